"""Staff log complaints received by phone, counter, letter, e-mail or WeChat in the admin, for the person."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, ParentFactory, StaffFactory
from complaints.admin.intake import FILE_SCREEN, SEARCH_LIMIT, SEARCH_SCREEN
from complaints.models import Attachment, Channel, Complaint, ComplaintEvent
from complaints.services.notices import NoticeKind
from complaints.states import State
from core.models import ReferenceCounter
from courses.tests.factories import EnrolmentFactory
from notifications.models import Notification
from privacy.models import AccessLogEntry

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:complaints_complaint_changelist")
SEARCH = reverse("admin:complaints_complaint_intake")
FILE = reverse("admin:complaints_complaint_intake_file")
BUTTON = "代为登记投诉"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + bytes(64)

INTAKE_ROLES = [Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.LEADERSHIP]
OTHER_STAFF_ROLES = [Role.LEGAL, Role.SAFETY_OFFICER]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def complaint_data(complainant, category, **extra) -> dict:
    return {
        "complainant": complainant.pk,
        "stage": "file",
        "channel": Channel.PHONE,
        "category": category.pk,
        "title": "热线反映：退费迟迟未到账",
        "description": "来电称三周前申请退费，至今未到账。",
        **extra,
    }


def stored_nothing(media_root, references_before: list) -> None:
    assert not Complaint.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert not Attachment.objects.exists()
    assert not Notification.objects.exists()
    assert list(ReferenceCounter.objects.values_list("year", "last_number")) == references_before
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def references() -> list:
    return list(ReferenceCounter.objects.values_list("year", "last_number"))


def logged_reads(actor) -> list[tuple]:
    return list(
        AccessLogEntry.objects.filter(actor=actor)
        .order_by("subject_id", "id")
        .values_list("subject_id", "object_id", "fields", "channel", "screen")
    )


# Who may


@pytest.mark.parametrize("role", INTAKE_ROLES)
def test_the_queue_offers_the_button_to_roles_that_log_complaints(role):
    page = logged_in(StaffFactory(roles=[role])).get(QUEUE)

    assert page.status_code == 200
    assert BUTTON in page.text
    assert f'href="{SEARCH}"' in page.text


@pytest.mark.parametrize("role", OTHER_STAFF_ROLES)
def test_the_queue_shows_no_button_to_other_staff(role):
    page = logged_in(StaffFactory(roles=[role])).get(QUEUE)

    assert page.status_code == 200
    assert BUTTON not in page.text
    assert SEARCH not in page.text


@pytest.mark.parametrize(
    "role, allowed",
    [*((role, True) for role in INTAKE_ROLES), *((role, False) for role in OTHER_STAFF_ROLES)],
)
def test_the_intake_screens_answer_only_the_roles_that_log_complaints(role, allowed, learner, category):
    staff = StaffFactory(roles=[role])
    client = logged_in(staff)

    pages = [
        client.get(SEARCH),
        client.post(SEARCH, {"term": learner.mobile}),
        client.post(FILE, {"complainant": learner.pk, "stage": "choose"}),
        client.post(FILE, complaint_data(learner, category)),
    ]

    if allowed:
        assert [page.status_code for page in pages] == [200, 200, 200, 302]
        assert Complaint.objects.get().filed_by == staff
    else:
        assert [page.status_code for page in pages] == [403, 403, 403, 403]
        assert not Complaint.objects.exists()
        assert not Notification.objects.exists()
        assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "learner", "parent"])
def test_people_outside_the_staff_are_sent_to_log_in_and_nothing_is_read_or_stored(
    who, learner, category, media_root
):
    client = Client()
    if who != "anonymous":
        client.force_login(learner if who == "learner" else ParentFactory())
    before = references()

    pages = [
        client.get(SEARCH),
        client.post(SEARCH, {"term": learner.mobile}),
        client.post(FILE, {"complainant": learner.pk, "stage": "choose"}),
        client.post(FILE, complaint_data(learner, category)),
    ]

    for page in pages:
        assert page.status_code == 302
        assert page.url.startswith(reverse("admin:login"))
        assert learner.display_name not in page.content.decode()
    stored_nothing(media_root, before)
    assert not AccessLogEntry.objects.exists()


def test_a_learner_who_is_also_marked_staff_is_still_refused(learner, category):
    learner.is_staff = True
    learner.save(update_fields=["is_staff"])
    client = logged_in(learner)

    assert client.get(SEARCH).status_code == 403
    assert client.post(FILE, complaint_data(learner, category)).status_code == 403
    assert not Complaint.objects.exists()


def test_an_inactive_agent_is_refused(learner, category):
    agent = StaffFactory()
    client = logged_in(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    page = client.post(FILE, complaint_data(learner, category))

    assert page.status_code == 302  # the admin no longer knows them: back to log in
    assert not Complaint.objects.exists()


# Finding the person


@pytest.mark.parametrize("term", ["13812345678", "138 1234 5678", "+86 138-1234-5678"])
def test_a_learner_is_found_by_mobile_number_through_the_blind_index(term, dept_agent):
    learner = LearnerFactory(display_name="王小明", mobile="13812345678")
    LearnerFactory(mobile="13812345679")

    page = logged_in(dept_agent).post(SEARCH, {"term": term})

    assert page.status_code == 200
    assert [row["person"] for row in page.context["people"]] == [learner]
    assert "王小明" in page.text
    assert "138****5678" in page.text
    assert page.context["form"]["term"].value() == term


def test_the_search_form_posts_and_a_search_in_the_address_finds_nobody(dept_agent):
    learner = LearnerFactory(mobile="13812345678")
    client = logged_in(dept_agent)

    form = client.get(SEARCH)
    in_the_address = client.get(SEARCH, {"term": learner.mobile})

    assert '<form method="post"' in form.text
    assert f'action="{SEARCH}"' in form.text
    assert in_the_address.status_code == 200
    assert in_the_address.context["people"] is None
    assert learner.display_name not in in_the_address.text
    assert not AccessLogEntry.objects.exists()


def test_people_are_found_by_exact_e_mail_address_and_by_part_of_the_name(dept_agent):
    learner = LearnerFactory(display_name="李华", email="lihua@example.edu.cn")
    parent = ParentFactory(display_name="李华的妈妈")
    LearnerFactory(display_name="张伟", email="zhangwei@example.edu.cn")
    client = logged_in(dept_agent)

    by_email = client.post(SEARCH, {"term": " LiHua@Example.edu.cn "})
    by_part_of_an_email = client.post(SEARCH, {"term": "lihua@example"})
    by_name = client.post(SEARCH, {"term": "李华"})

    assert [row["person"] for row in by_email.context["people"]] == [learner]
    assert by_part_of_an_email.status_code == 400
    assert [row["person"] for row in by_name.context["people"]] == [learner, parent]
    assert "家长" in by_name.text and "学员" in by_name.text


def test_staff_inactive_accounts_and_people_without_a_complainant_role_are_not_found(dept_agent):
    StaffFactory(display_name="王老师", roles=[Role.AGENT])
    LearnerFactory(display_name="王同学", is_active=False)
    StaffFactory(display_name="王咨询师", roles=[Role.COUNSELLOR])
    learner = LearnerFactory(display_name="王小红")
    client = logged_in(dept_agent)

    found = client.post(SEARCH, {"term": "王小"})
    staff_only = client.post(SEARCH, {"term": "王老师"})

    assert [row["person"] for row in found.context["people"]] == [learner]
    assert staff_only.context["people"] == []
    assert "没有找到" in staff_only.text
    assert logged_reads(dept_agent) == [
        (learner.pk, str(learner.pk), ["display_name", "email", "mobile"], "admin", SEARCH_SCREEN)
    ]


def test_every_person_shown_leaves_one_access_log_row_on_their_own_record(dept_agent):
    shown = [LearnerFactory(display_name=f"陈{n}号") for n in range(3)]
    LearnerFactory(display_name="刘一号")

    page = logged_in(dept_agent).post(SEARCH, {"term": "陈"})
    assert page.status_code == 400  # one character is too little of a name: nobody read
    assert not AccessLogEntry.objects.exists()

    page = logged_in(dept_agent).post(SEARCH, {"term": "陈1"})

    assert [row["person"] for row in page.context["people"]] == [shown[1]]
    assert logged_reads(dept_agent) == [
        (shown[1].pk, str(shown[1].pk), ["display_name", "email", "mobile"], "admin", SEARCH_SCREEN)
    ]
    entry = AccessLogEntry.objects.get()
    assert entry.content_type == ContentType.objects.get_for_model(User)


@pytest.mark.parametrize(
    "term, message",
    [
        ("1381234", "请输入有效的中国大陆手机号"),
        ("+86 1381234567890", "请输入有效的中国大陆手机号"),
        ("lihua@", "请输入合法的邮件地址"),
        ("李", "姓名请至少输入 2 个字"),
        ("   ", "此项为必填项"),
    ],
)
def test_bad_search_input_is_answered_next_to_the_field_and_reads_nobody(term, message, dept_agent):
    LearnerFactory(display_name="李华", mobile="13812345678")

    page = logged_in(dept_agent).post(SEARCH, {"term": term})

    assert page.status_code == 400
    assert page.context["people"] is None
    assert page.context["form"].errors["term"]
    assert message in str(page.context["form"].errors["term"])
    assert 'class="form-row errors field-term"' in page.text
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("count", [1, SEARCH_LIMIT])
def test_the_results_cost_the_same_queries_for_one_person_and_a_full_page(
    count, dept_agent, django_assert_num_queries
):
    for number in range(count):
        factory = ParentFactory if number % 2 else LearnerFactory
        both = [Role.LEARNER, Role.PARENT] if number % 3 == 0 else None
        factory(display_name=f"赵钱{number:02d}", roles=both)
    client = logged_in(dept_agent)
    client.post(SEARCH, {"term": "没有这个人"})  # warm the content-type and site caches

    # session, user, the second factor's device, privacy-policy check, the actor's roles, the people, their
    # roles, the access-log rows, and the actor's two permission lists for the side menu
    with django_assert_num_queries(10):
        page = client.post(SEARCH, {"term": "赵钱"})

    assert len(page.context["people"]) == count
    assert AccessLogEntry.objects.filter(actor=dept_agent).count() == count


def test_more_people_than_a_page_are_cut_at_the_limit_and_the_page_says_so(dept_agent):
    for number in range(SEARCH_LIMIT + 1):
        LearnerFactory(display_name=f"孙同学{number:02d}")

    page = logged_in(dept_agent).post(SEARCH, {"term": "孙同学"})

    assert page.context["more"] is True
    assert [row["display_name"] for row in page.context["people"]] == [
        f"孙同学{number:02d}" for number in range(SEARCH_LIMIT)
    ]
    assert f"超过 {SEARCH_LIMIT} 人" in page.text
    assert AccessLogEntry.objects.count() == SEARCH_LIMIT


# Picking the person


def test_picking_a_learner_opens_the_complaint_form_and_logs_the_read(dept_agent, learner):
    page = logged_in(dept_agent).post(FILE, {"complainant": learner.pk, "stage": "choose"})

    assert page.status_code == 200
    form = page.context["form"]
    assert "learner" not in form.fields  # a learner complains for themselves
    assert [value for value, _label in form.fields["channel"].choices] == [
        "",
        "phone",
        "email",
        "walk_in",
        "wechat",
        "letter",
    ]
    assert not form.errors
    assert learner.display_name in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert f'name="complainant" value="{learner.pk}"' in page.text
    assert logged_reads(dept_agent) == [
        (learner.pk, str(learner.pk), ["display_name", "email", "mobile"], "admin", FILE_SCREEN)
    ]
    assert not Complaint.objects.exists()


def test_picking_a_parent_offers_only_their_children_and_logs_reading_their_names(dept_agent):
    guardianship = GuardianshipFactory(learner__display_name="小宝")
    GuardianshipFactory(learner__display_name="别人家的孩子")
    parent, child = guardianship.guardian, guardianship.learner

    page = logged_in(dept_agent).post(FILE, {"complainant": parent.pk, "stage": "choose"})

    assert list(page.context["form"].fields["learner"].queryset) == [child]
    assert "小宝" in page.text
    assert "别人家的孩子" not in page.text
    assert logged_reads(dept_agent) == sorted(
        [
            (parent.pk, str(parent.pk), ["display_name", "email", "mobile"], "admin", FILE_SCREEN),
            (child.pk, str(child.pk), ["display_name"], "admin", FILE_SCREEN),
        ]
    )


@pytest.mark.parametrize("who", ["staff", "inactive", "missing", "garbage"])
def test_only_an_active_learner_or_parent_can_be_picked(who, dept_agent, category, media_root):
    person = {
        "staff": lambda: StaffFactory().pk,
        "inactive": lambda: LearnerFactory(is_active=False).pk,
        "missing": lambda: 999_999,
        "garbage": lambda: "x",
    }[who]()
    client = logged_in(dept_agent)
    before = references()

    picked = client.post(FILE, {"complainant": person, "stage": "choose"})
    filed = client.post(FILE, {**complaint_data(LearnerFactory(), category), "complainant": person})

    for page in (picked, filed):
        assert page.status_code == 400
        assert "请从查找结果中选择一位学员或家长" in page.text
    stored_nothing(media_root, before)
    assert not AccessLogEntry.objects.exists()


def test_the_complaint_form_is_posted_only(dept_agent):
    assert logged_in(dept_agent).get(FILE).status_code == 405


# Logging the complaint


def test_an_agent_logs_a_phone_complaint_for_a_learner_who_is_sent_a_notice_of_receipt(
    dept_agent, learner, category
):
    client = logged_in(dept_agent)

    page = client.post(
        FILE,
        complaint_data(learner, category, is_urgent="on", evidence=[SimpleUploadedFile("录音截图.png", PNG)]),
    )

    complaint = Complaint.objects.get()
    assert page.status_code == 302
    assert page.url == QUEUE
    assert (complaint.complainant, complaint.learner, complaint.filed_by) == (learner, learner, dept_agent)
    assert (complaint.channel, complaint.state, complaint.is_urgent) == (Channel.PHONE, State.SUBMITTED, True)
    assert complaint.title == "热线反映：退费迟迟未到账"
    assert complaint.department == category.default_department
    filed, evidence = complaint.events.order_by("id")
    assert (filed.kind, filed.to_state, filed.actor, filed.is_public) == (
        "state_change",
        State.SUBMITTED,
        dept_agent,
        True,
    )
    assert filed.data == {"transition": "file", "channel": "phone"}
    assert (evidence.kind, evidence.actor, evidence.is_public) == ("evidence_added", dept_agent, False)
    attachment = complaint.attachments.get()
    assert (attachment.original_name, attachment.content_type, attachment.uploaded_by) == (
        "录音截图.png",
        "image/png",
        dept_agent,
    )
    notices = Notification.objects.values_list("recipient_id", "kind", "context")
    assert {(recipient, kind, context["reference"]) for recipient, kind, context in notices} == {
        (learner.pk, NoticeKind.RECEIVED, complaint.reference)
    }
    assert all(context == {"reference": complaint.reference} for _r, _k, context in notices)
    queue = client.get(QUEUE)
    assert complaint.reference in queue.text
    assert f"已为{learner.display_name}登记投诉 {complaint.reference}" in queue.text


@pytest.mark.parametrize("channel", ["email", "walk_in", "wechat", "letter"])
def test_every_other_channel_is_recorded_as_received(channel, dept_agent, learner, category):
    logged_in(dept_agent).post(FILE, complaint_data(learner, category, channel=channel))

    assert Complaint.objects.get().channel == channel


def test_a_parent_is_logged_as_complainant_for_their_child_with_the_childs_course(dept_agent, category):
    guardianship = GuardianshipFactory()
    parent, child = guardianship.guardian, guardianship.learner
    enrolment = EnrolmentFactory(learner=child)

    page = logged_in(dept_agent).post(
        FILE,
        complaint_data(parent, category, channel="walk_in", learner=child.pk, course=enrolment.course.pk),
    )

    assert page.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.complainant, complaint.learner, complaint.subject_course) == (
        parent,
        child,
        enrolment.course,
    )
    assert set(Notification.objects.values_list("recipient_id", "kind")) == {(parent.pk, NoticeKind.RECEIVED)}


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"channel": ""}, "channel", "此项为必填项"),
        ({"channel": "web"}, "channel", "选择一个有效的选项"),
        ({"channel": "app"}, "channel", "选择一个有效的选项"),
        ({"title": "   "}, "title", "此项为必填项"),
        ({"title": "退费\u202egpj.exe"}, "title", "请删除不可见的文字方向控制字符"),
        ({"description": ""}, "description", "此项为必填项"),
        ({"category": ""}, "category", "此项为必填项"),
        ({"co_complainants": "nobody@example.edu.cn"}, "co_complainants", "已注册学员的电子邮箱或手机号码"),
        ({"evidence": [SimpleUploadedFile("说明.pdf", b"only text")]}, "evidence", "说明.pdf"),
        (
            {"evidence": [SimpleUploadedFile(f"p{n}.png", PNG) for n in range(6)]},
            "evidence",
            "每件投诉最多可上传 5 个文件",
        ),
    ],
)
def test_bad_input_is_answered_next_to_its_field_and_stores_nothing(
    change, field, message, dept_agent, learner, category, media_root
):
    before = references()

    page = logged_in(dept_agent).post(FILE, {**complaint_data(learner, category), **change})

    assert page.status_code == 400
    errors = page.context["form"].errors
    assert list(errors) == [field]
    assert message in str(errors[field])
    assert f'class="form-row errors field-{field}"' in page.text
    assert "请更正下面的错误，没有保存任何内容" in page.text
    assert page.context["form"]["title"].value() == change.get("title", "热线反映：退费迟迟未到账")
    stored_nothing(media_root, before)
    assert not AccessLogEntry.objects.exists()


def test_a_parent_must_name_their_own_child(dept_agent, category, media_root):
    parent = GuardianshipFactory().guardian
    stranger = LearnerFactory()
    client = logged_in(dept_agent)
    before = references()

    nobody = client.post(FILE, complaint_data(parent, category))
    someone_else = client.post(FILE, complaint_data(parent, category, learner=stranger.pk))

    assert nobody.status_code == someone_else.status_code == 400
    assert list(nobody.context["form"].errors) == ["learner"]
    assert list(someone_else.context["form"].errors) == ["learner"]
    stored_nothing(media_root, before)


def test_a_category_no_longer_in_use_is_neither_offered_nor_accepted(dept_agent, learner, category):
    category.is_active = False
    category.save(update_fields=["is_active"])
    form_page = logged_in(dept_agent).post(FILE, {"complainant": learner.pk, "stage": "choose"})
    assert category not in form_page.context["form"].fields["category"].queryset

    page = logged_in(dept_agent).post(FILE, complaint_data(learner, category))

    assert page.status_code == 400
    assert list(page.context["form"].errors) == ["category"]
    assert not Complaint.objects.exists()
    assert not Notification.objects.exists()
