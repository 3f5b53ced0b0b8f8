"""The request lifecycle: one state machine for both pathways, with who may make each move.

Part-time: submitted → in_review → approved / partially_approved / denied → (denied or partial)
board_appeal → board_upheld / board_overturned → (upheld) state_appeal → state_upheld /
state_overturned → closed. Full-time: notice_received → input_sent → host_accepted /
host_declined → transferred → closed. Any open state may be withdrawn.
"""

from __future__ import annotations

# Who acts. A decider is the principal, a designee or the superintendent; IEP and 504 teams
# record their decisions through a decider.
COUNSELOR, DECIDER, ADMINISTRATOR = "counselor", "decider", "administrator"
STAFF = frozenset({COUNSELOR, DECIDER, ADMINISTRATOR})
DECIDERS = frozenset({DECIDER})
APPEALS = frozenset({DECIDER, ADMINISTRATOR})

INITIAL = {"part_time": "submitted", "full_time": "notice_received"}

# status -> {next status: roles that may move it there}
PART_TIME: dict[str, dict[str, frozenset[str]]] = {
    "submitted": {"in_review": STAFF, "approved": DECIDERS, "partially_approved": DECIDERS,
                  "denied": DECIDERS},
    "in_review": {"approved": DECIDERS, "partially_approved": DECIDERS, "denied": DECIDERS},
    "approved": {"closed": STAFF},
    "partially_approved": {"board_appeal": APPEALS, "closed": STAFF},
    "denied": {"board_appeal": APPEALS, "closed": STAFF},
    "board_appeal": {"board_upheld": APPEALS, "board_overturned": APPEALS},
    "board_upheld": {"state_appeal": APPEALS, "closed": STAFF},
    "board_overturned": {"closed": STAFF},
    "state_appeal": {"state_upheld": APPEALS, "state_overturned": APPEALS},
    "state_upheld": {"closed": STAFF},
    "state_overturned": {"closed": STAFF},
    "closed": {},
    "withdrawn": {},
}
FULL_TIME: dict[str, dict[str, frozenset[str]]] = {
    "notice_received": {"input_sent": STAFF},
    "input_sent": {"host_accepted": STAFF, "host_declined": STAFF},
    "host_accepted": {"transferred": STAFF},
    "host_declined": {"closed": STAFF},
    "transferred": {"closed": STAFF},
    "closed": {},
    "withdrawn": {},
}
WITHDRAWABLE = frozenset({"submitted", "in_review", "board_appeal", "state_appeal",
                          "notice_received", "input_sent", "host_accepted"})
for _machine in (PART_TIME, FULL_TIME):
    for _status in WITHDRAWABLE & _machine.keys():
        _machine[_status]["withdrawn"] = STAFF

CLOSED = frozenset({"closed", "withdrawn"})
# Statuses where the office owes the family something (a decision, input, a transfer, a hearing).
AWAITING_ACTION = frozenset({"submitted", "in_review", "board_appeal", "state_appeal",
                             "notice_received", "input_sent", "host_accepted"})

LABELS = {
    "submitted": "Submitted", "in_review": "In review", "approved": "Approved",
    "partially_approved": "Partially approved", "denied": "Denied",
    "board_appeal": "Appealed to the board", "board_upheld": "Board upheld",
    "board_overturned": "Board overturned", "state_appeal": "Appealed to the state",
    "state_upheld": "State upheld", "state_overturned": "State overturned",
    "notice_received": "Provider notice received", "input_sent": "District input sent",
    "host_accepted": "Host accepted", "host_declined": "Host declined",
    "transferred": "Transferred", "closed": "Closed", "withdrawn": "Withdrawn",
}


class TransitionRefused(Exception):
    """A move the lifecycle does not allow; `message` says why, for the user.

    A plain exception (not a frozen dataclass): Python sets `__traceback__` on an exception
    as it leaves a `with` block, which a frozen instance refuses.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def machine(pathway: str) -> dict[str, dict[str, frozenset[str]]]:
    return PART_TIME if pathway == "part_time" else FULL_TIME


def allowed_next(pathway: str, status: str, role: str | None = None) -> tuple[str, ...]:
    moves = machine(pathway).get(status, {})
    return tuple(s for s, roles in moves.items() if role is None or role in roles)


def check_transition(pathway: str, status: str, new_status: str, role: str) -> None:
    """Raise `TransitionRefused` with a sentence for the user unless the move is allowed."""
    states = machine(pathway)
    if status not in states or new_status not in states:
        unknown = status if status not in states else new_status
        raise TransitionRefused(f"'{unknown}' is not a status of a {pathway.replace('_', '-')} request.")
    roles = states[status].get(new_status)
    if roles is None:
        raise TransitionRefused(
            f"A request that is {LABELS[status].lower()} cannot become {LABELS[new_status].lower()}."
        )
    if role not in roles:
        raise TransitionRefused(
            f"Only {' or '.join(sorted(roles))} staff may mark a request {LABELS[new_status].lower()}."
        )
