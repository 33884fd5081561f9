"""Demo people: departments, staff of every role, learners and a parent. Safe to run again."""

import base64
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from privacy.selectors import policy_version_current
from privacy.services import policy_accept

from .models import Department, Guardianship, User
from .roles import Role
from .services import guardianship_create, user_add_role

DEPARTMENTS = [
    ("customer_service", "客户服务部", "Customer service"),
    ("academic_affairs", "教务处", "Academic affairs"),
    ("teaching_supervision", "教学督导部", "Teaching supervision"),
    ("finance", "财务部", "Finance"),
    ("legal", "法务部", "Legal"),
    ("technical_operations", "技术运维部", "Technical operations"),
    ("leadership", "领导小组", "Leadership group"),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    role: Role
    department_code: str | None = None
    mobile: str = ""
    supervises: str | None = None


STAFF = [
    DemoPerson("agent@demo.edu.cn", "王客服", Role.AGENT, "customer_service", "13800000001"),
    DemoPerson("agent2@demo.edu.cn", "李客服", Role.AGENT, "customer_service", "13800000002"),
    DemoPerson("academic.agent@demo.edu.cn", "赵教务", Role.AGENT, "academic_affairs", "13800000003"),
    DemoPerson(
        "supervisor@demo.edu.cn",
        "陈主管",
        Role.SUPERVISOR,
        "customer_service",
        "13800000004",
        "customer_service",
    ),
    DemoPerson(
        "academic.supervisor@demo.edu.cn",
        "周主任",
        Role.SUPERVISOR,
        "academic_affairs",
        "13800000005",
        "academic_affairs",
    ),
    DemoPerson("finance@demo.edu.cn", "钱会计", Role.AGENT, "finance", "13800000006", None),
    DemoPerson("manager@demo.edu.cn", "孙经理", Role.MANAGER, "customer_service", "13800000007"),
    DemoPerson("leader@demo.edu.cn", "郑校长", Role.LEADERSHIP, "leadership", "13800000008", "leadership"),
    DemoPerson("legal@demo.edu.cn", "吴律师", Role.LEGAL, "legal", "13800000009", "legal"),
    DemoPerson("safety@demo.edu.cn", "冯安全", Role.SAFETY_OFFICER, "leadership", "13800000010"),
    DemoPerson("counsellor@demo.edu.cn", "林咨询师", Role.COUNSELLOR, None, "13800000011"),
    DemoPerson("instructor@demo.edu.cn", "何老师", Role.INSTRUCTOR, "academic_affairs", "13800000012"),
]

LEARNERS = [
    DemoPerson("learner@demo.edu.cn", "张小明", Role.LEARNER, mobile="13900000001"),
    DemoPerson("learner2@demo.edu.cn", "刘晓红", Role.LEARNER, mobile="13900000002"),
    DemoPerson("learner3@demo.edu.cn", "杨帆", Role.LEARNER, mobile="13900000003"),
    DemoPerson("learner4@demo.edu.cn", "黄佳怡", Role.LEARNER, mobile="13900000004"),
    DemoPerson("learner5@demo.edu.cn", "徐浩然", Role.LEARNER, mobile="13900000005"),
    DemoPerson("learner6@demo.edu.cn", "马思远", Role.LEARNER, mobile="13900000006"),
    DemoPerson("child@demo.edu.cn", "张小雨", Role.LEARNER, mobile=""),
]

PARENT = DemoPerson("parent@demo.edu.cn", "张建国", Role.PARENT, mobile="13900000010")
CHILD_EMAIL = "child@demo.edu.cn"

# Everyone with a demo log-in, in the order they are listed to whoever starts the demo.
DEMO_PEOPLE = [*STAFF, *LEARNERS, PARENT]


def demo_login_lines(*, password: str, totp_secret: str | None = None) -> list[str]:
    """The demo log-ins as lines to print: each e-mail address with its role, how staff pass the second
    factor (the demo's key, ``DEMO_TOTP_SECRET`` unless given), then the password."""
    totp_secret = settings.DEMO_TOTP_SECRET if totp_secret is None else totp_secret
    width = max(len(person.email) for person in DEMO_PEOPLE)
    lines = [f"  {person.email.ljust(width)}  {person.role.label}" for person in DEMO_PEOPLE]
    return [
        *lines,
        gettext(
            "Staff also enter their authenticator app's code after the password: add the key %(secret)s to "
            "an app, or run 'python manage.py demo_code'."
        )
        % {"secret": totp_secret},
        gettext("Password for every demo account: %(password)s") % {"password": password},
    ]


def demo_totp_key(totp_secret: str) -> str:
    """The demo's authenticator key as django-otp stores it (hex), from its base32 form."""
    return base64.b32decode(totp_secret.replace(" ", "").upper()).hex()


def demo_totp_code(*, totp_secret: str) -> str:
    """The code an authenticator app with the demo's key shows now."""
    device = TOTPDevice(key=demo_totp_key(totp_secret))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def seed_people(*, password: str, totp_secret: str) -> list[DemoPerson]:
    """Create or refresh the demo departments and people, each consenting to the current privacy policy, and
    give every staff member an authenticator app with the demo's key; return everyone with a demo log-in."""
    departments = {}
    for code, name, name_en in DEPARTMENTS:
        departments[code], _created = Department.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
    Group.objects.bulk_create([Group(name=str(role)) for role in Role], ignore_conflicts=True)

    # A demo stands for people who signed up, and so accepted the policy: their first log-in goes straight in.
    policy_version = policy_version_current()
    for person in DEMO_PEOPLE:
        user = _ensure_user(person, password=password, department=departments.get(person.department_code))
        user_add_role(user=user, role=person.role)
        if user.is_staff:
            TOTPDevice.objects.update_or_create(
                user=user,
                name="authenticator app",
                defaults={"key": demo_totp_key(totp_secret), "confirmed": True},
            )
        if policy_version is not None:
            policy_accept(user=user, policy_version=policy_version)
        if person.supervises:
            department = departments[person.supervises]
            if department.supervisor_id != user.id:
                department.supervisor = user
                department.save(update_fields=["supervisor"])
    guardianship_create(
        guardian=User.objects.get(email=PARENT.email),
        learner=User.objects.get(email=CHILD_EMAIL),
        relationship=Guardianship.Relationship.FATHER,
    )
    return DEMO_PEOPLE


def _ensure_user(person: DemoPerson, *, password: str, department: Department | None) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        return User.objects.create_user(
            person.email,
            password,
            display_name=person.display_name,
            mobile=person.mobile,
            department=department,
        )
    changed = []
    for field, value in (
        ("display_name", person.display_name),
        ("mobile", person.mobile),
        ("department", department),
    ):
        if getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    return user


def demo_seed(*, password: str) -> None:
    """Seed this app's demo data (the ``seed_demo`` command calls it): departments and people, the staff with
    an authenticator app holding the demo's key."""
    seed_people(password=password, totp_secret=settings.DEMO_TOTP_SECRET)
