"""Replies a channel gives on its own, before or instead of the engine (shared by all bridges)."""

from __future__ import annotations

EMPTY_MESSAGE = "您好像还没有输入内容，请直接告诉我您想办的事，比如“附近哪里有党群服务站”。"
MESSAGE_TOO_LONG = (
    "您的消息有点长，我一次最多能看 {max_chars} 个字。麻烦您说说最主要的事，分几条发给我也可以。"
)
ENGINE_DOWN_QUEUED = (
    "抱歉，小助手暂时开小差了，您的消息已经记下，恢复后会马上回复您。着急的话请拨打12345市民热线。"
)
FORGOTTEN = "已删除您在小助手这里的聊天记录。已经提交的工单不受影响，会继续办理。"
CONTEXT_LOST = (
    "抱歉，小助手刚才中断了一段时间，没能接上您之前在办的事。"
    "麻烦您从头再说一下要办什么，或者点下面的选项重新开始。"
)
START_AGAIN_CHOICES = (("找附近的服务站", "/find_station"), ("反映问题", "/report_problem"))
NO_REPLY = "收到。还有什么可以帮您？"
CHOOSE_HINT = "（输入序号即可选择）"
CHAT_WELCOME = "家门口社区小助手（按 Ctrl-C 或 Ctrl-D 退出）"
CHAT_BYE = "再见！"
ENGINE_DOWN_RETRY = "抱歉，小助手暂时连不上，请稍后再试一次。着急的话请拨打12345市民热线。"

# --- Telegram and WeChat bridges ------------------------------------------------------
RATE_LIMITED = "您发消息有点快，小助手有点忙不过来。请稍等一分钟再发，谢谢理解！"
UNSUPPORTED_MESSAGE = "抱歉，这类消息我还看不懂。请用文字告诉我您想办的事，也可以发送位置或照片。"
LOCATION_INVALID = (
    "抱歉，这个位置信息好像不对，没法使用。请重新发送一次位置，或者直接告诉我小区、街道的名字。"
)
VOICE_NOT_RECOGNISED = "抱歉，这条语音我没听清。麻烦您用文字再说一遍，谢谢！"
SHARE_LOCATION_BUTTON = "📍 发送我的位置"
TELEGRAM_WELCOME = (
    "您好！我是家门口社区小助手。\n"
    "我可以帮您：\n"
    "• 找附近的党群服务站、驿站、长者食堂等站点，查开放时间和服务；\n"
    "• 反映身边的问题（路灯不亮、飞线充电、垃圾堆放……），并查询办理进度；\n"
    "• 预约服务，或者联系工作人员。\n"
    "直接用文字告诉我就行，比如“附近有没有党群服务站”；也可以发送位置或照片。\n"
    "常用命令：/mytickets 我的工单  /mybookings 我的预约  /human 联系工作人员  /help 帮助"
)
TELEGRAM_HELP = (
    "使用帮助：\n"
    "• 找站点：说“附近有没有党群服务站”，再点“发送我的位置”；\n"
    "• 反映问题：说“楼道路灯不亮”，可以附上照片和位置；\n"
    "• /mytickets 查询我的工单进度\n"
    "• /mybookings 我的预约\n"
    "• /human 联系工作人员\n"
    "• /forget 删除我的聊天记录\n"
    "紧急情况请直接拨打119、110或120；其他事项也可拨打12345市民热线。"
)
# Shown in Telegram's command menu (setMyCommands).
TELEGRAM_COMMANDS = (
    ("start", "开始使用"),
    ("help", "使用帮助"),
    ("mytickets", "我的工单"),
    ("mybookings", "我的预约"),
    ("human", "联系工作人员"),
    ("forget", "删除我的聊天记录"),
)
WECHAT_WELCOME = (
    "感谢关注家门口社区小助手！\n"
    "我可以帮您找附近的党群服务站点、反映身边的问题、查询工单进度、预约服务。\n"
    "直接发文字就行，比如“附近有没有党群服务站”；也可以发送位置、照片或语音。"
)
SHARE_LOCATION_PROMPT = "也可以点下方按钮，直接发送您的位置。"
