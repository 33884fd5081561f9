"""Demo help articles in Chinese with their English versions, across the four sections, published by the
manager (who joins the help centre editors). Safe to run again: an article whose slug exists is left alone."""

from django.contrib.auth.models import Group

from accounts.models import User
from complaints.models import Category

from .models import Article, Section
from .permissions import EDITORS_GROUP
from .services import article_draft_save, article_publish

# section, slug, complaint categories, Chinese title, Chinese text, English title, English text
ARTICLES = [
    (
        "faq",
        "refund-policy",
        ["fees_refunds"],
        "退费政策：什么情况可以退费，能退多少",
        "报名后七天内且尚未开课的，可以申请全额退费。\n\n"
        "已经开课的，按未上课时的比例退还费用；已上课时超过课程总课时三分之一的，原则上不再退费，"
        "但因机构原因（停课未补、擅自更换老师、课程内容与宣传不符）造成的除外，此时按机构过错的规则计算，"
        "退费金额更高。\n\n"
        "申请页面会按公布的退费规则一步一步算出可退金额，提交之前您就能看到。"
        "退费超过一万元的，需要领导小组审批，一般在五个工作日内答复。\n\n"
        "退费款项原路退回，到账时间以支付渠道为准。",
        "Refund policy: when you can get a refund, and how much",
        "Within seven days of enrolling, before the course starts, you can ask for a full refund.\n\n"
        "Once the course has started, the fee for the lessons not yet taken is refunded. When more than a "
        "third of the lessons have been taken there is, as a rule, no refund, unless the institution is at "
        "fault (cancelled classes not made up, an instructor changed without your agreement, a course unlike "
        "its description); then the rules for the institution's fault apply and give more.\n\n"
        "The request page works out the amount the published rules give, step by step, before you send "
        "it. Refunds above 10,000 yuan need the leadership group's approval, usually within five working "
        "days.\n\n"
        "The money goes back the way you paid; when it arrives depends on the payment channel.",
    ),
    (
        "user-guide",
        "request-a-refund",
        ["fees_refunds"],
        "如何申请退费",
        "第一步：登录后打开“我的课程”，找到要退费的课程，点击“申请退费”。\n\n"
        "第二步：阅读并同意用户协议，写下申请退费的原因。如果是机构原因（例如多次停课未补），请勾选"
        "“机构有过错”，工作人员会核实。\n\n"
        "第三步：页面会显示按退费规则算出的金额，确认无误后提交。\n\n"
        "提交后您会收到申请编号，可以随时查看进度。对退费决定不满意的，可以在申请页面直接转为投诉。",
        "How to request a refund",
        "Step 1: log in, open My courses, find the course and choose Request a refund.\n\n"
        "Step 2: read and accept the user agreement, and write why you ask for a refund. If the institution "
        "is at fault (for example classes cancelled and never made up), tick the box; staff check it.\n\n"
        "Step 3: the page shows the amount the refund rules give; check it and send the request.\n\n"
        "You get a reference number and can follow the request at any time. If you disagree with the "
        "decision, you can turn it into a complaint from the request's page.",
    ),
    (
        "user-guide",
        "file-a-complaint",
        ["teaching", "service", "other"],
        "如何提交投诉",
        "登录后点击“提交投诉”，选择投诉类别，写清楚事情经过：什么时间、什么地点、涉及哪位老师或哪门课程，"
        "以及您希望我们怎么处理。可以上传照片或 PDF 作为证据。\n\n"
        "提交后您立即得到一个投诉编号（例如 TS-2026-000123）。一小时内会有一位工作人员确认受理，"
        "并由这位工作人员负责到底（首问负责）。紧急投诉在 24 小时内答复。\n\n"
        "处理过程中，工作人员可能向您补充询问；答复后，您可以评价满意度，不满意的可以申请复议。",
        "How to file a complaint",
        "Log in and choose File a complaint. Pick the category and say what happened: when, where, which "
        "instructor or course, and what you would like us to do. You can attach photos or PDF documents.\n\n"
        "You get a reference number at once (such as TS-2026-000123). Within one hour a member of staff "
        "takes the complaint on and owns it to the end. Urgent complaints are answered within 24 hours.\n\n"
        "Staff may ask you for more details. Once answered, you rate how it was handled, and you may appeal "
        "if you are not satisfied.",
    ),
    (
        "rights",
        "learner-rights",
        ["student_management", "other"],
        "作为学员，您享有哪些权利",
        "知情权：报名前，您有权知道课程内容、授课老师的资质、课时、收费标准和退费规则。\n\n"
        "选择权：您可以自主选择课程和服务，机构不得强制搭售教材或其他服务。\n\n"
        "公平交易权：收费要明码标价，不得以虚假宣传诱导报名；课程与宣传不符时，您有权要求补救或退费。\n\n"
        "隐私权：您的手机号、身份证号等个人信息受到保护，机构只在必要时使用，您可以查看谁读取过您的数据。\n\n"
        "安全保障权：在校期间的人身和财产安全应得到保障。\n\n"
        "监督与投诉权：您有权对教学和服务提出意见和投诉，并得到及时答复。",
        "Your rights as a learner",
        "The right to know: before enrolling you may learn a course's content, its instructors' "
        "qualifications, its hours, its fees and its refund rules.\n\n"
        "The right to choose: you choose courses and services freely; nobody may make you buy materials or "
        "other services with them.\n\n"
        "The right to fair dealing: prices are shown clearly and no misleading advertising may draw you in; "
        "when a course is unlike its description you may ask for a remedy or a refund.\n\n"
        "The right to privacy: your mobile number, ID number and other personal data are protected and used "
        "only when needed; you can see who has read your data.\n\n"
        "The right to safety: your person and property are kept safe while you study here.\n\n"
        "The right to oversee and complain: you may give opinions and complain about teaching and service, "
        "and get a timely answer.",
    ),
    (
        "rights",
        "privacy-rights",
        ["privacy"],
        "个人信息保护：您的数据如何被使用",
        "我们只收集提供服务所必需的个人信息。手机号、身份证号、出生日期、家庭住址和心理咨询记录都加密保存。\n\n"
        "工作人员每次查看您的个人信息都会留下访问日志，您可以在“我的数据”中看到是谁、在什么时候、为什么查看。\n\n"
        "您可以导出自己的数据，也可以申请删除。对个人信息处理有疑问的，可以选择“个人信息保护”类别提交投诉，"
        "由法务部处理。",
        "Privacy: how your data is used",
        "We collect only the personal data the service needs. Mobile numbers, ID numbers, dates of birth, "
        "home addresses and counselling records are stored encrypted.\n\n"
        "Every time staff read your personal data an access log entry is written; under My data you see "
        "who read it, when and why.\n\n"
        "You can export your data and ask for it to be erased. If you have a question about how your data is "
        "handled, file a complaint under the Privacy category; the legal department answers it.",
    ),
    (
        "faq",
        "complaint-timeline",
        ["service", "teaching"],
        "投诉多久会有答复",
        "所有投诉在一小时内确认受理。首次答复的时限：紧急或重大投诉 24 小时，"
        "重要投诉 48 小时，一般投诉 72 小时。\n\n"
        "等待您补充材料期间，计时会暂停，您回复后继续。"
        "超时的投诉会自动上报给部门主管，重大投诉还会上报领导小组。\n\n"
        "答复后七天内您没有回应的，投诉会自动结案；结案后仍可在规定期限内申请复议。",
        "How soon is a complaint answered?",
        "Every complaint is taken on within one hour. The first answer comes within 24 hours for urgent or "
        "major complaints, 48 hours for important ones and 72 hours for general ones.\n\n"
        "While we wait for more details from you, the clock pauses, and it runs again when you reply. A "
        "complaint that runs late is escalated to the department's supervisor, and a major one to the "
        "leadership group.\n\n"
        "If you do not react within seven days of the answer, the complaint is closed; you may still appeal "
        "within the stated period.",
    ),
    (
        "faq",
        "change-instructor",
        ["instructor_conduct", "teaching"],
        "老师临时更换或停课怎么办",
        "机构更换老师或停课，应提前通知您并说明原因，停课要安排补课。\n\n"
        "未经您同意更换老师、停课后不补课，属于机构原因。您可以要求补课、延长课程有效期，或者按机构过错的规则申请退费。\n\n"
        "如果对老师的言行有意见，请选择“教师言行”类别投诉，我们不会把投诉交给被投诉的老师本人处理。",
        "What if the instructor is changed or classes are cancelled?",
        "When the institution changes an instructor or cancels a class it must tell you in advance and say "
        "why, and make up cancelled classes.\n\n"
        "An instructor changed without your agreement, or classes cancelled and not made up, are the "
        "institution's fault. You may ask for the classes to be made up, for the course's validity to be "
        "extended, or for a refund under the rules for the institution's fault.\n\n"
        "If you have a concern about an instructor's conduct, complain under Instructor conduct; the "
        "complaint is never handled by that instructor.",
    ),
    (
        "course-advice",
        "choose-a-course",
        [],
        "如何选择适合自己的课程",
        "先想清楚目标：是考证、提升技能还是兴趣学习。再看课程大纲、课时安排和授课老师的资质证书，"
        "这些信息在课程页面都能查到。\n\n"
        "看看已经学完的学员给课程和老师的评分。评分只在足够多的学员评价后才公布，更有参考价值。\n\n"
        "报名前一定要读退费规则，问清楚是否有额外费用（教材、考试费）。不要因为限时优惠匆忙报名。",
        "How to choose the right course",
        "First be clear about your goal: a certificate, a skill for work, or learning for pleasure. Then "
        "read the syllabus, the timetable and the instructors' qualifications, all on the course's page.\n\n"
        "Look at the ratings of learners who finished the course. Ratings are published only once enough "
        "learners have rated, so they are worth reading.\n\n"
        "Before you enrol, read the refund rules and ask whether there are extra costs (materials, exam "
        "fees). Do not rush into a course because of a limited-time offer.",
    ),
    (
        "course-advice",
        "trial-lessons",
        ["fees_refunds"],
        "报名前：试听课和合同要注意什么",
        "条件允许时先试听一节课，感受老师的讲课方式和课堂节奏是否适合自己。\n\n"
        "签订合同或确认订单前，核对课程名称、总课时、有效期、价格和退费条款，保存好付款凭证。\n\n"
        "宣传中承诺的“包过”“保就业”等内容，要求写进合同；口头承诺发生争议时很难证明。",
        "Before you enrol: trial lessons and the contract",
        "When you can, take a trial lesson first to see whether the instructor's way of teaching and the "
        "pace of the class suit you.\n\n"
        "Before you sign or confirm the order, check the course's name, total hours, validity, price and "
        "refund terms, and keep the payment receipt.\n\n"
        "Ask for promises made in advertising, such as a guaranteed pass or job, to be written into the "
        "contract; a spoken promise is hard to prove in a dispute.",
    ),
]
RELATED = {
    "refund-policy": ["request-a-refund", "trial-lessons"],
    "request-a-refund": ["refund-policy", "file-a-complaint"],
    "file-a-complaint": ["complaint-timeline", "learner-rights"],
    "learner-rights": ["privacy-rights", "file-a-complaint"],
    "change-instructor": ["refund-policy", "file-a-complaint"],
    "choose-a-course": ["trial-lessons", "learner-rights"],
}


def demo_seed(*, password: str) -> None:
    editor = User.objects.get(email="manager@demo.edu.cn")
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    editor = User.objects.get(pk=editor.pk)  # forget the permissions read before joining
    sections = {section.slug: section for section in Section.objects.all()}
    for position, (section, slug, codes, title, body, title_en, body_en) in enumerate(ARTICLES):
        if Article.objects.filter(slug=slug).exists():
            continue
        article = article_draft_save(
            article=Article(
                section=sections[section],
                slug=slug,
                position=position,
                draft_title=title,
                draft_body=body,
                draft_title_en=title_en,
                draft_body_en=body_en,
            ),
            actor=editor,
        )
        article.categories.set(Category.objects.filter(code__in=codes))
        article_publish(article=article, actor=editor)
    for slug, related in RELATED.items():
        article = Article.objects.get(slug=slug)
        if not article.related.exists():
            article.related.set(Article.objects.filter(slug__in=related))
