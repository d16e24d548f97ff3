"""What PostgreSQL enforces in the register and the votes, whatever the code does:

* share transactions are append-only (no UPDATE, DELETE or TRUNCATE) and no holding of a share class
  goes below zero (checked under a row lock on the cooperator who gives shares);
* a share class keeps its category, nominal value and currency for ever;
* ballots and participations are append-only, and none can be added once the resolution's result
  exists; results are never changed or deleted. The one exception: the transaction that closes a
  vote re-inserts its ballots (so that they all carry that transaction's id and a random physical
  order, erasing the link a ballot's ``xmin`` would give to its participation row).

And the data of the rules as they stand: the nominal value (EUR 30), the resolution types with their
quorum and majority, the board rules (40 % of each gender, at most half renewed in one year). The
rule that gates service use (shares per year of use) is deliberately not seeded: it takes effect when
the governance team enters it.
"""

import datetime
from decimal import Decimal

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION governance_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'governance: % on %.% is refused: the register and the votes are append-only',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER governance_sharetransaction_append_only BEFORE UPDATE OR DELETE ON governance_sharetransaction
    FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER governance_sharetransaction_no_truncate BEFORE TRUNCATE ON governance_sharetransaction
    FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();

CREATE OR REPLACE FUNCTION governance_holding_not_negative() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    held bigint;
BEGIN
    IF NEW.from_cooperator_id IS NULL THEN
        RETURN NULL;
    END IF;
    -- Serialise with any other movement out of the same holder, then count with a fresh snapshot.
    PERFORM 1 FROM governance_cooperator WHERE id = NEW.from_cooperator_id FOR UPDATE;
    SELECT coalesce(sum(CASE WHEN to_cooperator_id = NEW.from_cooperator_id THEN count ELSE -count END), 0)
        INTO held FROM governance_sharetransaction
        WHERE share_class_id = NEW.share_class_id
          AND (to_cooperator_id = NEW.from_cooperator_id OR from_cooperator_id = NEW.from_cooperator_id);
    IF held < 0 THEN
        RAISE EXCEPTION 'governance: cooperator % would hold % share(s) of class %',
            NEW.from_cooperator_id, held, NEW.share_class_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER governance_sharetransaction_holding AFTER INSERT ON governance_sharetransaction
    FOR EACH ROW EXECUTE FUNCTION governance_holding_not_negative();

CREATE OR REPLACE FUNCTION governance_share_class_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.nominal <> OLD.nominal OR NEW.currency <> OLD.currency
       OR NEW.category <> OLD.category THEN
        RAISE EXCEPTION 'governance: a share class keeps its nominal value for ever (% refused)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER governance_shareclass_frozen BEFORE UPDATE OR DELETE ON governance_shareclass
    FOR EACH ROW EXECUTE FUNCTION governance_share_class_frozen();

CREATE OR REPLACE FUNCTION governance_vote_open() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM governance_resolutionresult WHERE item_id = NEW.item_id) THEN
        RAISE EXCEPTION 'governance: the vote on item % is closed', NEW.item_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER governance_ballot_vote_open BEFORE INSERT ON governance_ballot
    FOR EACH ROW EXECUTE FUNCTION governance_vote_open();
CREATE TRIGGER governance_participation_vote_open BEFORE INSERT ON governance_participation
    FOR EACH ROW EXECUTE FUNCTION governance_vote_open();

CREATE OR REPLACE FUNCTION governance_ballot_reshuffle_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The one deletion allowed: the closing transaction re-inserting an item's ballots (see
    -- services.vote_close), before the item's result exists; never afterwards.
    IF TG_OP = 'DELETE' AND current_setting('governance.reshuffle', true) = OLD.item_id::text
       AND NOT EXISTS (SELECT 1 FROM governance_resolutionresult WHERE item_id = OLD.item_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'governance: % on %.% is refused: ballots are append-only',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER governance_ballot_append_only BEFORE UPDATE OR DELETE ON governance_ballot
    FOR EACH ROW EXECUTE FUNCTION governance_ballot_reshuffle_only();
CREATE TRIGGER governance_ballot_no_truncate BEFORE TRUNCATE ON governance_ballot
    FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER governance_participation_append_only BEFORE UPDATE OR DELETE ON governance_participation
    FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER governance_participation_no_truncate BEFORE TRUNCATE ON governance_participation
    FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER governance_result_append_only BEFORE UPDATE OR DELETE ON governance_resolutionresult
    FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER governance_result_no_truncate BEFORE TRUNCATE ON governance_resolutionresult
    FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS governance_result_no_truncate ON governance_resolutionresult;
DROP TRIGGER IF EXISTS governance_result_append_only ON governance_resolutionresult;
DROP TRIGGER IF EXISTS governance_participation_no_truncate ON governance_participation;
DROP TRIGGER IF EXISTS governance_participation_append_only ON governance_participation;
DROP TRIGGER IF EXISTS governance_ballot_no_truncate ON governance_ballot;
DROP TRIGGER IF EXISTS governance_ballot_append_only ON governance_ballot;
DROP FUNCTION IF EXISTS governance_ballot_reshuffle_only();
DROP TRIGGER IF EXISTS governance_participation_vote_open ON governance_participation;
DROP TRIGGER IF EXISTS governance_ballot_vote_open ON governance_ballot;
DROP FUNCTION IF EXISTS governance_vote_open();
DROP TRIGGER IF EXISTS governance_shareclass_frozen ON governance_shareclass;
DROP FUNCTION IF EXISTS governance_share_class_frozen();
DROP TRIGGER IF EXISTS governance_sharetransaction_holding ON governance_sharetransaction;
DROP FUNCTION IF EXISTS governance_holding_not_negative();
DROP TRIGGER IF EXISTS governance_sharetransaction_no_truncate ON governance_sharetransaction;
DROP TRIGGER IF EXISTS governance_sharetransaction_append_only ON governance_sharetransaction;
DROP FUNCTION IF EXISTS governance_append_only();
"""

RESOLUTION_TYPES = [
    # code, name, quorum %, majority n/d, strict
    ("ordinary", "Ordinary resolution", Decimal(0), 1, 2, True),
    ("board_election", "Election of directors", Decimal(0), 1, 2, True),
    ("statutes_amendment", "Amendment of the statutes", Decimal(50), 3, 4, False),
    ("purpose_change", "Change of the cooperative purpose", Decimal(50), 4, 5, False),
]


def seed(apps, schema_editor):
    apps.get_model("governance", "NominalValue").objects.create(
        effective_from=datetime.date(1998, 1, 1), amount=Decimal("30.00"), currency="EUR"
    )
    ResolutionType = apps.get_model("governance", "ResolutionType")
    for code, name, quorum, numerator, denominator, strict in RESOLUTION_TYPES:
        ResolutionType.objects.create(
            code=code,
            name=name,
            quorum_percent=quorum,
            majority_numerator=numerator,
            majority_denominator=denominator,
            majority_strict=strict,
        )
    apps.get_model("governance", "BoardRule").objects.create(
        effective_from=datetime.date(1998, 1, 1), min_gender_percent=Decimal(40), max_renewed_percent=Decimal(50)
    )


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
