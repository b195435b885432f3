"""Names for demo people, as varied as the people a British service works with.

Each group pairs given names with family names that go together (a Polish
woman's surname ends -ska, an Irish woman's Gaelic surname takes Ní), so the
demo reads as real. All are common names; no combination is meant as anyone.
"""

from __future__ import annotations

import random
import unicodedata

# (weight, given names, family names)
GROUPS: list[tuple[int, list[str], list[str]]] = [
    # English
    (
        30,
        [
            "Olivia",
            "Jack",
            "Amelia",
            "Harry",
            "Chloë",
            "Thomas",
            "Ellie",
            "George",
            "Renée",
            "Oliver",
            "Jessica",
            "Charlie",
            "Zoë",
            "Daniel",
            "Molly",
            "Liam",
            "Holly",
            "Noah",
        ],
        [
            "Smith",
            "Taylor",
            "Brown",
            "Wilson",
            "Thornbury",
            "Walker",
            "Hughes",
            "Green",
            "Hall",
            "Wood",
            "Harrison",
            "Ashworth",
            "Marsden",
            "Fairclough",
            "Brontë",
        ],
    ),
    # Welsh
    (
        10,
        [
            "Siân",
            "Dafydd",
            "Rhys",
            "Ffion",
            "Carys",
            "Gethin",
            "Eleri",
            "Iwan",
            "Nia",
            "Bethan",
            "Owain",
            "Gwenllian",
            "Aled",
            "Llinos",
        ],
        [
            "Jones",
            "Llewellyn",
            "Pritchard",
            "ap Gwilym",
            "Prys",
            "Vaughan",
            "Bowen",
            "Rees",
            "Powell",
            "Griffiths",
        ],
    ),
    # Irish and Scottish
    (
        12,
        [
            "Niamh",
            "Seán",
            "Aoife",
            "Ciarán",
            "Siobhán",
            "Pádraig",
            "Róisín",
            "Eoin",
            "Caoimhe",
            "Declan",
            "Mairéad",
            "Fionnuala",
            "Callum",
            "Isla",
            "Ruairí",
        ],
        [
            "O'Brien",
            "O'Neill",
            "Murphy",
            "McCarthy",
            "D'Arcy",
            "Ó Súilleabháin",
            "MacLeod",
            "O'Sullivan",
            "Fitzgerald",
            "McAllister",
            "Doyle",
            "Ó Briain",
        ],
    ),
    # Irish women with a Gaelic surname
    (3, ["Áine", "Gráinne", "Sadhbh", "Orla"], ["Ní Bhriain", "Ní Shúilleabháin", "Ní Chonaill"]),
    # Polish women
    (
        5,
        ["Agnieszka", "Małgorzata", "Zofia", "Katarzyna", "Joanna", "Ewa", "Alicja"],
        ["Kowalska", "Wiśniewska", "Nowak", "Wójcik", "Lewandowska", "Zielińska"],
    ),
    # Polish men
    (
        5,
        ["Łukasz", "Paweł", "Michał", "Krzysztof", "Tomasz", "Jakub", "Wojciech"],
        ["Kowalski", "Wiśniewski", "Nowak", "Wójcik", "Lewandowski", "Kamiński"],
    ),
    # South Asian
    (
        10,
        [
            "Priya",
            "Arjun",
            "Aisha",
            "Imran",
            "Sunita",
            "Rohan",
            "Fatima",
            "Zain",
            "Anjali",
            "Bilal",
            "Kiran",
            "Yusuf",
            "Saira",
            "Nikhil",
        ],
        [
            "Patel",
            "Hussain",
            "Iqbal",
            "Chaudhry",
            "Ahmed",
            "Sharma",
            "Rahman",
            "Khan",
            "Mistry",
            "Chandran",
            "Desai",
            "Qureshi",
        ],
    ),
    # Muslim women who take Begum or Bibi
    (2, ["Nusrat", "Shazia", "Rukhsana", "Fatima"], ["Begum", "Bibi"]),
    # Sikh women and men
    (2, ["Harpreet", "Gurpreet", "Manjit", "Jasleen"], ["Kaur"]),
    (2, ["Harjit", "Gurpreet", "Jaspal", "Amarjit"], ["Singh"]),
    # Caribbean
    (
        10,
        [
            "Marcia",
            "Desmond",
            "Jerome",
            "Shanice",
            "Leroy",
            "Beverley",
            "Andre",
            "Marlon",
            "Tamika",
            "Delroy",
            "Kemar",
            "Simone",
        ],
        [
            "Campbell",
            "Thompson",
            "Clarke",
            "Bailey",
            "Grant",
            "Francis",
            "Brown",
            "Edwards",
            "Reid",
            "Morgan",
            "Samuels",
            "Bennett",
        ],
    ),
    # West African
    (
        5,
        ["Chidi", "Adaeze", "Tobi", "Folake", "Kwame", "Ama", "Oluwaseun", "Ngozi"],
        ["Okafor", "Adebayo", "Mensah", "Okonkwo", "Boateng", "Adeyemi"],
    ),
    # Romanian and Portuguese
    (
        4,
        ["Ioana", "Andrei", "Mădălina", "Ștefan", "João", "Inês", "Gonçalo", "Conceição"],
        ["Popescu", "Ionescu", "Dumitrescu", "Gonçalves", "Simões", "Conceição"],
    ),
]


def person_name(rng: random.Random) -> tuple[str, str]:
    """A given name and a family name from one group."""
    weights = [weight for weight, _, _ in GROUPS]
    _, given, family = rng.choices(GROUPS, weights=weights)[0]
    return rng.choice(given), rng.choice(family)


def given_name(rng: random.Random, family_name: str) -> str:
    """A given name that goes with `family_name` (for a parent or carer in the same family)."""
    for _, given, family in GROUPS:
        if family_name in family:
            return rng.choice(given)
    return person_name(rng)[0]


_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "ß": "ss"})


def email_local_part(*names: str) -> str:
    """Names as the ASCII local part of an e-mail address: 'Łukasz', "O'Brien" → lukasz.obrien."""
    text = ".".join(names).translate(_ASCII)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum() or c == ".")
