"""The callback_data protocol shared by reminders, task lists and update keyboards.

Telegram allows 64 bytes of callback_data, and a Vietnamese title would not
fit, so buttons carry ids only: a short verb, then integers, ``:``-separated.
The scheduler renders reminder buttons with these builders and the officer
handlers parse them here, so both sides agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from plans.regex import lazy_compile

MAX_BYTES = 64
_INT_RE = lazy_compile(r"-?[0-9]{1,19}")


@dataclass(frozen=True, slots=True)
class Callback:
    verb: str
    args: tuple[int, ...]


def build(verb: str, *args: int) -> str:
    data = ":".join([verb, *(str(int(a)) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback_data too long: {data!r}")
    return data


def parse(data: str | None) -> Callback | None:
    """Parse callback data; anything forged or malformed gives None."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    verb, *rest = data.split(":")
    if not verb.isascii() or not verb.isalpha():
        return None
    if not all(_INT_RE.fullmatch(a) for a in rest):
        return None  # ASCII digits only: "²" or "٣" in forged data is not a number
    args = tuple(int(a) for a in rest)
    if any(a < -(2**62) or a > 2**62 for a in args):
        return None
    return Callback(verb, args)


def first_arg(data: str | None, default: int = 0) -> int:
    """The first number of the callback data, or ``default`` when it is forged or has none.

    A button whose id no longer resolves (``default`` matches nothing) gets the
    handler's usual polite refusal, never an exception.
    """
    parsed = parse(data)
    return parsed.args[0] if parsed and parsed.args else default


# Verbs (keep them short; each is documented where it is handled).
TASK_MENU = "tk"  # tk:<task_id>            open the update keyboard of a task
SET_PERCENT = "pc"  # pc:<task_id>:<percent> record a percent
MARK_DONE = "dn"  # dn:<task_id>            record "Hoàn thành" (100 %)
# Chairman's desk (handlers/chairman.py, handlers/plan_upload.py, handlers/admin_settings.py).
FIELD_DRILL = "ovf"  # ovf:<field_id>          open one field of the overview
UNIT_DRILL = "ovu"  # ovu:<unit_id>            open one unit's record
COMMUNE_DRILL = "ovc"  # ovc:<org_id>          district viewer opens one commune
NUDGE = "ndg"  # ndg:<task_id>                 nudge the lead unit's officers
IMPORT_MAP = "imm"  # imm:<upload_id>:<name_index>:<unit_id>  map a new unit name (0 = create)
IMPORT_CONFIRM = "imok"  # imok:<upload_id>    import the uploaded plan
IMPORT_CANCEL = "imno"  # imno:<upload_id>     drop the uploaded plan
IMPORT_PAGE = "imp"  # imp:<upload_id>:<page>   one page of a prose plan's extracted tasks
# ime:<upload_id>:<op>:<task_index>[:<unit_id>]  op 1 drop, 2 merge into the previous,
# 3 ask for the lead unit, 4 set it (toggles for 1 and 2: a second press undoes)
IMPORT_EDIT = "ime"
IMPORT_REVIEWED = "imr"  # imr:<upload_id>       list checked: on to units and "Xác nhận"
# A task whose plan names no lead unit (handlers/tasks_list.py, the plan keeper).
ASSIGN_ASK = "asg"  # asg:<task_id>             list the units that may lead it
ASSIGN_UNIT = "asu"  # asu:<task_id>:<unit_id>  that unit leads it
# PAR INDEX desk (handlers/par_index.py).
PAR_FIELD = "pif"  # pif:<par_criteria.id>      /chiso: open one field's criteria


def task_menu(task_id: int) -> str:
    return build(TASK_MENU, task_id)


def set_percent(task_id: int, percent: int) -> str:
    return build(SET_PERCENT, task_id, percent)


def mark_done(task_id: int) -> str:
    return build(MARK_DONE, task_id)


# Officers' conversation verbs (handlers/tasks_list.py, updates.py, extensions.py,
# registration.py, menu.py). Arguments are ids and small indexes only.
SET_STATUS = "st"  # st:<task_id>:<status_index>   record a status word
ATTACH = "ev"  # ev:<task_id>                      the next file is evidence for the task
TASK_PAGE = "tl"  # tl:<page>                      page of the /nhiemvu list
CONFIRM = "ok"  # ok:<draft_id>                    write what the bot understood
CORRECT = "no"  # no:<draft_id>                    drop it; the officer writes again
WHICH_TASK = "wt"  # wt:<draft_id>:<task_id>       answer to "which task?"
FIGURE = "fg"  # fg:<draft_id>:<item>:<percent>     answer to "80% or 100%?" / "gần xong: 75 or 90?"
EXT_APPROVE = "xa"  # xa:<extension_id>
EXT_REFUSE = "xr"  # xr:<extension_id>
JOIN_APPROVE = "ja"  # ja:<request_id>             approve a join request: ask the role
JOIN_REFUSE = "jr"  # jr:<request_id>
JOIN_ROLE = "jo"  # jo:<request_id>:<role_index>
JOIN_UNIT = "ju"  # ju:<request_id>:<unit_id>      officer of that unit
INVITE_ROLE = "mr"  # mr:<role_index>              /moi: role chosen
INVITE_UNIT = "mu"  # mu:<unit_id>                 /moi: officer of that unit
LANGUAGE = "lg"  # lg:<language_index>

# Verbs whose first argument is a task id: a message carrying them "covers" that task.
TASK_VERBS = frozenset({TASK_MENU, SET_PERCENT, MARK_DONE, SET_STATUS, ATTACH})
