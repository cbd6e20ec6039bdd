"""Replies a channel gives on its own, before or instead of the engine (shared by all bridges)."""

from __future__ import annotations

EMPTY_MESSAGE = "您好像还没有输入内容，请直接告诉我您想办的事，比如“附近哪里有党群服务站”。"
MESSAGE_TOO_LONG = (
    "您的消息有点长，我一次最多能看 {max_chars} 个字。麻烦您说说最主要的事，分几条发给我也可以。"
)
ENGINE_DOWN_QUEUED = (
    "抱歉，小助手暂时开小差了，您的消息已经记下，恢复后会马上回复您。着急的话请拨打12345市民热线。"
)
NO_REPLY = "收到。还有什么可以帮您？"
CHOOSE_HINT = "（输入序号即可选择）"
CHAT_WELCOME = "家门口社区小助手（输入“再见”或按 Ctrl-C 退出）"
CHAT_BYE = "再见！"
ENGINE_DOWN_RETRY = "抱歉，小助手暂时连不上，请稍后再试一次。着急的话请拨打12345市民热线。"
