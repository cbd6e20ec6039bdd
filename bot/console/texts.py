"""The console's Chinese wording that is not in a template: labels and notices."""

from __future__ import annotations

from bot.db.staff import StaffRole

ROLE_LABELS = {
    StaffRole.STAFF: "网格员",
    StaffRole.TRAINER: "训练师",
    StaffRole.ADMIN: "管理员",
}

CHANNEL_LABELS = {
    "telegram": "Telegram",
    "wechat": "微信公众号",
    "terminal": "终端",
    "rest": "REST",
    "open311": "Open311",
}

HANDOFF_STATES = {
    "waiting": "等待接入",
    "held": "人工处理中",
    "released": "已交回小助手",
    "escalated": "已转工单",
    "closed": "已关闭",
}

# Shown once after a redirect: `?done=<key>`.
NOTICES = {
    "status": "工单状态已更新，已通知反映人。",
    "transfer": "工单已转派，已通知反映人。",
    "severity": "工单等级已调整，时限已重新计算。",
    "claimed": "您已接入该会话，小助手暂停回复。",
    "replied": "回复已发出，将通过居民所用的渠道送达。",
    "released": "会话已交回小助手，已告知居民。",
    "password": "密码已修改，其他设备上的登录已全部退出。",
    "created": "账号已创建。",
    "disabled": "账号已停用，其登录已全部退出。",
    "enabled": "账号已重新启用。",
    "site": "站点信息已保存。",
    "imported": "站点文件已导入。",
    "logout": "您已退出登录。",
}

ENGINE_DOWN = "对话引擎未运行或无法连接，操作没有执行。请确认 `jiamenkou up` 正在运行后再试。"
