"""Names and emails for generated companies, vendors and customers.

Ordinary names are kept distinct under an aggressive normalisation (case, punctuation and legal
suffixes dropped), so only the deliberately duplicated ones can trip DUPLICATE_NAME, whatever
normalisation the hygiene rule settles on. Emails use the reserved ``example.com`` domain so a
demo that sends mail can never reach a real inbox.
"""

import random
import re

_COMPANY_WORDS = (
    "Bluebird", "Cedar", "Harbor", "Juniper", "Maple", "Copper", "Willow", "Falcon", "Meadow",
    "Ironwood", "Sunrise", "Aspen", "Birch", "Canyon", "Driftwood", "Elm Street", "Fern",
    "Golden Gate", "Hillside", "Indigo", "Kestrel", "Lighthouse", "Mesa", "Northgate", "Orchard",
    "Pebble", "Quarry", "Riverstone", "Sagebrush", "Tidewater", "Upland", "Valley", "Westwind",
    "Yellowstone", "Zephyr", "Alder", "Bayside", "Clearwater", "Dogwood", "Emberly",
)  # fmt: skip
_COMPANY_TRADES = (
    "Bakery", "Design Studio", "Plumbing", "Coffee Roasters", "Landscaping", "Dental Lab",
    "Print Works", "Fitness", "Veterinary Clinic", "Brewing", "Electric", "Builders",
    "Marketing", "Catering", "Auto Repair", "Florist", "Outfitters", "Media", "Cabinetry",
    "Consulting", "Home Care", "Bookkeeping", "Roofing", "Tailors", "Pet Supply",
)  # fmt: skip
_COMPANY_SUFFIXES = ("LLC", "Inc.", "Co.", "Group", "")
_COMPANY_STRIDE = 2_003  # prime, coprime with 40 * 25 * 5, so indexes map to distinct names

_SUPPLIER_PREFIXES = (
    "Acme", "Summit", "Pioneer", "Blue Ridge", "Evergreen", "Keystone", "Redwood", "Granite",
    "Liberty", "Sterling", "Coastal", "Prairie", "Union", "Atlas", "Beacon", "Cascade",
    "Frontier", "Lakeside", "Metro", "Northstar", "Pinnacle", "Riverbend", "Silverline",
    "Bridgeport", "Crescent", "Highland", "Oakmont", "Parkside", "Westfield", "Horizon",
)  # fmt: skip
_SUPPLIER_KINDS = (
    "Supply Co.", "Office Supply", "Print Shop", "Cleaning Services", "Marketing Group",
    "IT Solutions", "Packaging Inc.", "Logistics", "Hardware", "Uniforms", "Signs",
    "Wholesale", "Consulting LLC", "Courier", "Lumber", "Fleet Services", "Catering",
    "Web Design", "Staffing", "Security Systems",
)  # fmt: skip
_FIRST_NAMES = (
    "Maria", "James", "Aisha", "Daniel", "Priya", "Robert", "Mei", "Carlos", "Fatima", "David",
    "Sofia", "Michael", "Yuki", "Olivia", "Ahmed", "Grace", "Luis", "Hannah", "Kwame", "Elena",
)  # fmt: skip
_LAST_NAMES = (
    "Lopez", "Cooper", "Nguyen", "Patel", "Okafor", "Schmidt", "Rossi", "Kim", "Haddad",
    "Johnson", "Silva", "Kowalski", "Tanaka", "Murphy", "Abebe", "Larsen", "Moreau", "Chen",
)  # fmt: skip
_CUSTOMER_PREFIXES = (
    "Riverside", "Oak Hill", "Sunset", "Bay Area", "Mountain View", "Greenfield", "Lakeview",
    "Brookside", "Fairview", "Hilltop", "Seaside", "Pinecrest", "Stonebridge", "Woodland",
)  # fmt: skip
_CUSTOMER_KINDS = (
    "Dental Group", "Family Farm", "Fitness Studio", "Law Office", "Pet Clinic", "Realty",
    "Yoga", "Brewing Company", "Architects", "Bistro", "Salon", "Auto Body", "Daycare",
    "Pharmacy", "Hotel", "Medical Center",
)  # fmt: skip
_LEGAL_WORDS = frozenset({"inc", "llc", "co", "corp", "company", "ltd", "the", "group", "and"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def company_name(seed: int, index: int) -> str:
    """Distinct for the first 5,000 indexes of a seed, so a demo never shows two equal names."""
    total = len(_COMPANY_WORDS) * len(_COMPANY_TRADES) * len(_COMPANY_SUFFIXES)
    number = (seed * 7_919 + index * _COMPANY_STRIDE) % total
    number, word = divmod(number, len(_COMPANY_WORDS))
    suffix, trade = divmod(number, len(_COMPANY_TRADES))
    parts = (_COMPANY_WORDS[word], _COMPANY_TRADES[trade], _COMPANY_SUFFIXES[suffix])
    return " ".join(part for part in parts if part)


def loose_key(name: str) -> str:
    """The most forgiving comparison a duplicate-name rule could use."""
    words = _NOT_WORD.split(name.lower())
    return "".join(word for word in words if word and word not in _LEGAL_WORDS)


def duplicate_variant(name: str) -> str:
    """How the same party gets typed a second time: upper case, punctuation dropped.

    Equal to ``name`` once case, punctuation and whitespace are normalised, which is the least
    any duplicate-name rule does.
    """
    return name.replace(".", "").replace(",", "").upper()


def slug(name: str) -> str:
    return _NOT_WORD.sub("", name.lower())


def email(box: str, name: str) -> str:
    return f"{box}.{slug(name)}@example.com"


class NamePicker:
    """Draws names that stay distinct under ``loose_key`` across vendors and customers."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self._rng = rng
        self._taken = set() if taken is None else taken

    def _claim(self, candidate: str) -> str:
        name = candidate
        number = 2
        while loose_key(name) in self._taken:
            name = f"{candidate} {number}"
            number += 1
        self._taken.add(loose_key(name))
        return name

    def supplier(self) -> str:
        rng = self._rng
        return self._claim(f"{rng.choice(_SUPPLIER_PREFIXES)} {rng.choice(_SUPPLIER_KINDS)}")

    def customer(self) -> str:
        rng = self._rng
        if rng.random() < 0.4:
            return self._claim(f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}")
        return self._claim(f"{rng.choice(_CUSTOMER_PREFIXES)} {rng.choice(_CUSTOMER_KINDS)}")

    def fixed(self, name: str) -> str:
        return self._claim(name)


CRITICAL_VENDORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("payroll", ("Gusto Payroll", "ADP Payroll Services", "Paychex Payroll")),
    (
        "rent",
        ("Harbor View Properties LLC", "Oakridge Properties LLC", "Main Street Properties LLC"),
    ),
    ("tax", ("IRS", "Franchise Tax Board", "State Department of Revenue")),
    ("utilities", ("PG&E", "Con Edison Utilities", "City Water & Power")),
    ("insurance", ("The Hartford Insurance", "Next Insurance", "State Farm Insurance")),
    ("loan", ("SBA Loan Servicing", "Funding Circle Loan", "Kabbage Loan Payments")),
)
"""Critical vendor categories in the order small companies get them, with typical names."""
