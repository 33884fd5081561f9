"""Demo community: posts and replies in each board (one with an official answer), a sensitive word, and a
report waiting in the moderation queue. Safe to run again: a post whose title already exists is not posted
twice."""

from django.test import override_settings

from accounts.models import User

from . import services
from .models import Board, Post, SensitiveWord

# board, author, title, text, replies (author, text)
THREADS = [
    (
        "experience",
        "learner@demo.edu.cn",
        "在职备考三个月通过中级会计的经验",
        "白天上班，晚上固定学习两小时：第一个月通读教材，第二个月刷题，最后一个月做真题并整理错题本。"
        "周末用番茄钟，每 25 分钟休息 5 分钟，效率比熬夜高很多。",
        [
            ("learner2@demo.edu.cn", "错题本这个方法很好，我也在用，按章节分类之后复习快多了。"),
            ("learner3@demo.edu.cn", "请问教材看一遍够吗？我总觉得记不住。"),
        ],
    ),
    (
        "course-reviews",
        "learner3@demo.edu.cn",
        "《Python 入门》课程评价：讲得细，但作业偏少",
        "何老师讲解很耐心，每个例子都会现场演示。希望每章多一些课后练习，光听不练还是容易忘。",
        [("learner4@demo.edu.cn", "同感，我自己去找了一些练习题配合着做。")],
    ),
    (
        "rights",
        "learner2@demo.edu.cn",
        "报名后一周内申请退费，被告知要扣 30% 手续费，合理吗？",
        "我上周报名了数据分析课程，只上了一节课就因为工作调动想退费。客服说要扣 30% 手续费，"
        "但报名时没人提过这个条款。想问问大家遇到过类似情况吗？",
        [
            ("learner5@demo.edu.cn", "我之前也遇到过，后来按合同里的退费规则算，扣得没有这么多。"),
        ],
    ),
]
OFFICIAL_ANSWER = (
    "您好，我是学员服务中心的陈主管。按照本机构公布的退费规则，开课后 7 日内申请退费、已上课时不超过 "
    "总课时 10% 的，全额退还未上课时费用，不收取 30% 手续费。请在“我的课程”中提交退费申请，"
    "如对处理结果有异议，可以直接在本帖转为投诉，我们会在 1 小时内受理。"
)


@override_settings(COMMUNITY_POSTS_PER_HOUR=1000)
def demo_seed(*, password: str) -> None:
    supervisor = User.objects.get(email="supervisor@demo.edu.cn")
    if not SensitiveWord.objects.filter(word="代考").exists():
        services.sensitive_word_save(actor=supervisor, word=SensitiveWord(word="代考"))
    for board_slug, email, title, text, replies in THREADS:
        if Post.objects.filter(title=title).exists():
            continue
        post = services.post_create(
            actor=User.objects.get(email=email),
            board=Board.objects.get(slug=board_slug),
            title=title,
            body=text,
        )
        for reply_email, reply_text in replies:
            services.reply_create(actor=User.objects.get(email=reply_email), post=post, body=reply_text)
        if board_slug == "rights":
            official = services.reply_create(actor=supervisor, post=post, body=OFFICIAL_ANSWER)
            services.reply_mark_official(actor=supervisor, reply=official)
        if board_slug == "course-reviews":
            rude = services.reply_create(
                actor=User.objects.get(email="learner6@demo.edu.cn"),
                post=post,
                body="这种课也好意思收钱？骗子机构。",
            )
            services.report_create(
                actor=User.objects.get(email="learner3@demo.edu.cn"),
                reply=rude,
                reason="abuse",
                text="回复带有侮辱性字眼，和课程评价无关。",
            )
