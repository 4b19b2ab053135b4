"""Writes to the register of parties (当事人): find or add a party, name a case's party, reveal an ID number.

A party is found again by the keyed hash of its ID number (or credit code), else by the hash of its phone
together with its name (a phone alone may be a family's). The plain numbers are encrypted; what is shown is
the mask (enforcement/pii.py).
"""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureau import clock
from bureau.audit.models import AuditEntry
from bureau.audit.services import audit_record

from .. import pii
from ..choices import PartyKind
from ..models import Case, Party
from ..permissions import can_register_parties, may_name_party

ID_FORMAT = re.compile(r"^[0-9A-Z]{15,18}$")  # a resident ID (15 or 18) or an organisation's credit code (18)


class PartyForbidden(PermissionDenied):
    """The user's role may not do this with parties (403)."""


class PartyUnreadable(Exception):
    """A stored number opens with none of the configured keys (a lost key): said so, never shown as empty."""


def _check_id(id_number: str) -> str:
    value = pii.normalise_id(id_number) if id_number else ""
    if value and not ID_FORMAT.match(value):
        raise ValidationError({"id_number": [_("证件号码格式不正确")]})
    return value


@transaction.atomic
def party_register(*, acting_user, name, kind=PartyKind.PERSON, id_number="", phone="", address="",
                   representative="") -> Party:
    """The party with this ID number (or this phone and name) if already known, district-wide, else a new one.
    A known party gains the numbers it lacked; nothing it had is overwritten. Bureau staff and leaders."""
    if not can_register_parties(acting_user):
        raise PartyForbidden(_("您的角色不能登记当事人"))
    id_number = _check_id(id_number)
    if pii.normalise_phone(phone) and not pii.normalise_phone(phone).isdigit():
        raise ValidationError({"phone": [_("电话号码只能包含数字")]})
    return party_match_or_add(acting_user=acting_user, name=name, kind=kind, id_number=id_number, phone=phone,
                              address=address, representative=representative)


@transaction.atomic
def party_match_or_add(*, acting_user, name, kind=PartyKind.PERSON, id_number="", phone="", address="",
                       representative="") -> Party:
    """`party_register` without the role check, for another register that has already decided who may add
    to it (street commerce's vendors and shops)."""
    name = (name or "").strip()[:128]
    if not name:
        raise ValidationError({"name": [_("请填写当事人名称")]})
    if kind not in PartyKind.values:
        raise ValidationError({"kind": [_("未知的当事人类型：%(kind)s") % {"kind": kind}]})
    id_number, phone = pii.normalise_id(id_number), pii.normalise_phone(phone)
    # found under any configured hash key (PII_HASH_KEY, newest first); one under an older key is re-hashed
    i_hashes, p_hashes = pii.party_id_hashes(id_number), pii.party_phone_hashes(phone)
    i_hash, p_hash = (i_hashes or [""])[0], (p_hashes or [""])[0]
    party = None
    if i_hash:
        party = Party.objects.select_for_update().filter(id_number_hash__in=i_hashes).order_by("pk").first()
    if party is None and p_hash:
        party = Party.objects.select_for_update().filter(phone_hash__in=p_hashes, name=name).order_by("pk").first()
    if party is not None:
        changed = []
        if i_hash and (not party.id_number_hash or party.id_number_hash in i_hashes[1:]):
            party.id_number_hash, party.id_number_masked = i_hash, pii.mask_id(id_number)
            party.id_number_encrypted = pii.party_encrypt_id(id_number)
            changed += ["id_number_hash", "id_number_masked", "id_number_encrypted"]
        if p_hash and party.phone_hash in p_hashes[1:]:
            party.phone_hash = p_hash
            changed += ["phone_hash"]
        if p_hash and not party.phone_hash:
            party.phone_hash, party.phone_masked = p_hash, pii.mask_phone(phone)
            party.phone_encrypted = pii.party_encrypt_phone(phone)
            changed += ["phone_hash", "phone_masked", "phone_encrypted"]
        if changed:
            party.full_clean(exclude=["created_by"])
            party.save(update_fields=changed)
            audit_record(actor=acting_user, action="party.update", obj=party, detail={"fields": changed})
        return party
    party = Party(
        kind=kind, name=name, id_number_hash=i_hash, id_number_masked=pii.mask_id(id_number),
        id_number_encrypted=pii.party_encrypt_id(id_number) if id_number else "",
        phone_hash=p_hash, phone_masked=pii.mask_phone(phone),
        phone_encrypted=pii.party_encrypt_phone(phone) if phone else "",
        address=(address or "").strip(), representative=(representative or "").strip(),
        created_at=clock.now(), created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    party.full_clean(exclude=["created_by"])
    party.save()
    audit_record(actor=acting_user, action="party.register", obj=party, detail={"kind": kind})
    return party


@transaction.atomic
def case_set_party(*, acting_user, case, party) -> Case:
    """Name the party a case is against (or none). Bureau staff, or the leader of the case's street."""
    case_id = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update().filter(pk=case_id).first()
    if locked is None:
        raise Case.DoesNotExist
    if not may_name_party(acting_user, locked):
        raise PartyForbidden(_("您不能指定该案件的当事人"))
    if party is not None and not isinstance(party, Party):
        party = Party.objects.filter(pk=party).first()
        if party is None:
            raise ValidationError({"party": [_("未知的当事人")]})
    before = locked.party_id
    locked.party = party
    locked.save(update_fields=["party", "updated_at"])
    audit_record(actor=acting_user, action="case.set_party", obj=locked,
                 detail={"number": locked.number, "from": before, "to": party.pk if party else None})
    return locked


def party_reveal(*, acting_user, party) -> dict:
    """The full ID number and phone, for bureau staff only; every reveal is audited."""
    if not getattr(acting_user, "is_bureau_staff", False):
        raise PartyForbidden(_("无权查看完整证件号码"))
    try:
        revealed = {"id_number": pii.party_decrypt_id(party.id_number_encrypted),
                    "phone": pii.party_decrypt_phone(party.phone_encrypted)}
    except pii.Undecryptable as exc:
        audit_record(actor=acting_user, action="party.reveal", obj=party, outcome=AuditEntry.Outcome.FAILURE,
                     detail={"party": party.pk, "reason": "undecryptable"})
        raise PartyUnreadable(_("无法解密该当事人的证件号码或电话：加密密钥已更换或丢失，请联系系统管理员（已记录）")) from exc
    audit_record(actor=acting_user, action="party.reveal", obj=party, detail={"party": party.pk})
    return revealed
