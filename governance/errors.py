from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

NOT_IN_TEAM = "governance_team_required"
ALREADY_COOPERATOR = "governance_already_a_cooperator"
NOT_A_COOPERATOR = "governance_not_a_cooperator"
SHARES_NOT_UP_TO_DATE = "governance_shares_not_up_to_date"
NO_NOMINAL_VALUE = "governance_no_nominal_value"
COUNT_NOT_POSITIVE = "governance_share_count_not_positive"
SHARES_NOT_HELD = "governance_shares_not_held"
TRANSFER_TO_SELF = "governance_transfer_to_self"
ABOVE_NOMINAL = "governance_above_nominal"
NOT_AT_NOMINAL = "governance_not_at_nominal"
NO_DIVIDEND = "governance_no_dividend"
NO_REVALUATION = "governance_no_revaluation"
ENTITY_CLOSED = "governance_entity_closed"
ASSEMBLY_NOT_DRAFT = "governance_assembly_not_draft"
ASSEMBLY_NOT_CONVENED = "governance_assembly_not_convened"
ASSEMBLY_NO_RESOLUTION = "governance_assembly_without_resolution"
WEIGHTS_NOT_100 = "governance_college_weights_not_100"
NOT_ON_ROLL = "governance_not_on_the_roll"
ALREADY_VOTED = "governance_already_voted"
OUTSIDE_WINDOW = "governance_outside_the_voting_window"
NOT_A_RESOLUTION = "governance_not_a_resolution"
VOTE_CLOSED = "governance_vote_closed"
PROXY_LIMIT = "governance_proxy_limit_reached"
PROXY_TO_SELF = "governance_proxy_to_self"
PROXY_EXISTS = "governance_proxy_already_given"
PROXY_HOLDER_DELEGATED = "governance_proxy_holder_has_delegated"
PROXY_NOT_HELD = "governance_proxy_not_held"
VOTER_HAS_DELEGATED = "governance_voter_has_delegated"
BOARD_RULES_FAILED = "governance_board_rules_failed"
LIST_FINAL = "governance_candidate_list_final"
BAD_CHOICE = "governance_unknown_choice"
OPINION_EXISTS = "governance_opinion_already_recorded"
OPINION_PUBLISHED = "governance_opinion_published"
NO_OPINION = "governance_no_opinion"
ALREADY_ATTENDED = "governance_already_attended"
ACTION_DONE_NEEDS_DATE = "governance_action_done_needs_date"
UNKNOWN_PERSON = "governance_unknown_person"
BACKDATED = "governance_movement_backdated"
SESSION_NOT_TODAY = "governance_session_vote_not_today"
RECORD_DATE_FUTURE = "governance_record_date_in_the_future"
VOTING_LINK_UNKNOWN = "governance_voting_link_unknown"
VOTING_LINK_EXPIRED = "governance_voting_link_expired"
VOTING_NOTHING_CHOSEN = "governance_voting_nothing_chosen"
VOTING_NOT_ON_SHEET = "governance_voting_not_on_the_sheet"
NO_EMAIL = "governance_no_email_address"
REMOTE_ALREADY_OPEN = "governance_remote_voting_already_open"
REMOTE_OVER = "governance_remote_voting_over"

catalog = ErrorCatalog(
    {
        NOT_IN_TEAM: _("Only the governance team can do this."),
        ALREADY_COOPERATOR: _("This person is already in the share register."),
        NOT_A_COOPERATOR: _(
            "%(name)s is not a cooperator of SMart Coop: using the services requires holding shares. "
            "Buy at least %(required)s share(s) (%(nominal)s each) through the governance team, then declare again."
        ),
        SHARES_NOT_UP_TO_DATE: _(
            "%(name)s holds %(held)s share(s) but the rule in force requires %(required)s "
            "(%(per_year)s per year of service use, %(years)s year(s)). "
            "Buy %(missing)s more share(s) through the governance team, then declare again."
        ),
        NO_NOMINAL_VALUE: _("No nominal value of the shares is in force on %(on)s."),
        COUNT_NOT_POSITIVE: _("The number of shares must be at least one."),
        SHARES_NOT_HELD: _("%(name)s holds %(held)s share(s) of class %(share_class)s, fewer than %(count)s."),
        TRANSFER_TO_SELF: _("Shares cannot be transferred to the cooperator who holds them."),
        ABOVE_NOMINAL: _(
            "Shares are only ever bought, transferred and redeemed at their nominal value (%(nominal)s): "
            "%(price)s is above it."
        ),
        NOT_AT_NOMINAL: _(
            "Shares are only ever bought, transferred and redeemed at their nominal value (%(nominal)s), not %(price)s."
        ),
        NO_DIVIDEND: _(
            "SMart Coop pays no dividend on its shares: its statutes exclude it, "
            "and the register has no such operation."
        ),
        NO_REVALUATION: _(
            "The value of a share never increases: the statutes exclude any revaluation, and the register "
            "has no such operation."
        ),
        ENTITY_CLOSED: _("The entity %(entity)s is closed."),
        ASSEMBLY_NOT_DRAFT: _("The assembly has already been convened: its agenda and roll are fixed."),
        ASSEMBLY_NOT_CONVENED: _("The assembly is not open for votes."),
        ASSEMBLY_NO_RESOLUTION: _("An assembly needs at least one agenda item before it is convened."),
        WEIGHTS_NOT_100: _("The college weights add up to %(total)s %%, not 100 %%."),
        NOT_ON_ROLL: _("%(name)s is not on the voter roll of this assembly (no share held on %(record_date)s)."),
        ALREADY_VOTED: _("%(name)s has already voted on this resolution."),
        OUTSIDE_WINDOW: _("Remote voting is open from %(opens)s to %(closes)s."),
        NOT_A_RESOLUTION: _("This agenda item is not put to the vote."),
        VOTE_CLOSED: _("The vote on this resolution is closed."),
        PROXY_LIMIT: _("%(name)s already holds %(limit)s proxy(ies), the most one person may hold."),
        PROXY_TO_SELF: _("A cooperator cannot give a proxy to themselves."),
        PROXY_EXISTS: _("%(name)s has already given a proxy for this assembly."),
        PROXY_HOLDER_DELEGATED: _("%(name)s has given their own proxy and cannot hold one."),
        PROXY_NOT_HELD: _("%(holder)s holds no proxy from %(name)s."),
        VOTER_HAS_DELEGATED: _("%(name)s has given a proxy: their proxy holder votes for them."),
        BOARD_RULES_FAILED: _("The composition does not meet the board rules: %(reasons)s"),
        LIST_FINAL: _("The candidate list is final and can no longer change."),
        BAD_CHOICE: _("Unknown choice."),
        OPINION_EXISTS: _("The committee has already given its opinion on this referral."),
        OPINION_PUBLISHED: _("The opinion is published to cooperators and can no longer change."),
        NO_OPINION: _("The committee has not given its opinion on this referral yet."),
        ALREADY_ATTENDED: _("%(name)s is already on the attendance list."),
        ACTION_DONE_NEEDS_DATE: _("An action marked done needs the date it was done."),
        UNKNOWN_PERSON: _("No cooperator has this person id."),
        BACKDATED: _(
            "The register is kept in date order: a movement of %(name)s's shares cannot be dated before "
            "their last recorded movement (%(last)s)."
        ),
        SESSION_NOT_TODAY: _("Votes in session are recorded on the day of the assembly (%(date)s)."),
        RECORD_DATE_FUTURE: _("The voter roll is taken at the record date (%(date)s), which has not come yet."),
        VOTING_LINK_UNKNOWN: _(
            "This voting link is not valid: it may have been mistyped or replaced by a newer one. "
            "Ask the governance team for a new link."
        ),
        VOTING_LINK_EXPIRED: _("This voting link has expired: remote voting closed on %(closes)s."),
        VOTING_NOTHING_CHOSEN: _("Choose for, against or abstain on at least one resolution."),
        VOTING_NOT_ON_SHEET: _("This vote is not on your voting sheet."),
        NO_EMAIL: _("%(name)s has no e-mail address in the register: the link cannot be sent."),
        REMOTE_ALREADY_OPEN: _("Remote voting is already open (since %(opens)s)."),
        REMOTE_OVER: _("Remote voting closed on %(closes)s."),
    }
)
