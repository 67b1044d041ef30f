"""Invented prose for the PDF fixtures: distinct sentences about events that never happened."""

from __future__ import annotations

# Each sentence occurs once in a fixture, so finding it whole on one page means the reader
# put its words back together; long words give the hyphenation fixtures something to break.
GLASSWORKS = (
    "The glassworks at Kessmark reopened in the spring after the river had withdrawn from "
    "the lower furnaces.",
    "Its administrators counted four hundred and twelve apprentices on the first morning, "
    "more than the dormitories could hold.",
    "Correspondence between the guild and the municipal treasury shows an extraordinarily "
    "patient negotiation over the price of sand.",
    "By midsummer the workshops were producing lanterns, window panes and a characteristically "
    "green bottle that sailors recognised at a distance.",
    "A visiting inspector from Tolvanen described the reconstruction of the eastern hall as "
    "unhurried but remarkably thorough.",
    "The apprentices were paid partly in coal, which the treasury considered an unnecessary "
    "complication and the families considered a blessing.",
    "Two furnaces cracked during the first winter, and the guild borrowed bricks from a "
    "disused chapel on the northern road.",
    "Records kept by the night watchman list every delivery of soda ash, usually by barge and "
    "occasionally by sledge.",
    "The treasury eventually agreed to underwrite the sand contracts for eleven years, on "
    "condition that the guild published its accounts.",
    "Those published accounts are the principal reason historians know anything about the "
    "internal organisation of the works.",
    "They reveal that the glassblowers' wages rose steadily while the price of finished panes "
    "fell by almost a third.",
    "Several families moved to Kessmark from the hill villages, bringing with them a tradition "
    "of engraving that the guild quickly adopted.",
    "The engraved goblets became fashionable in the capital and were, for a decade, the most "
    "valuable export of the whole province.",
    "A fire in the storage sheds destroyed the pattern books, though many designs survived in "
    "the memories of the older engravers.",
    "The guild responded by requiring every master to teach two apprentices the full "
    "repertoire of patterns from memory.",
    "This decision, unpopular at first, is now regarded as the foundation of the school of "
    "engraving that still bears the town's name.",
)

RAILWAY = (
    "The narrow-gauge railway to Tolvanen was surveyed by a team of three engineers who "
    "walked the entire route in nineteen days.",
    "Their notebooks record the depth of every ford, the hardness of every outcrop and the "
    "temper of every landowner along the valley.",
    "Construction began at both ends at once, and the two crews met beneath the old signal "
    "tower eight months later than planned.",
    "The delay was blamed on an unusually wet autumn, although the contractor's ledgers "
    "suggest that the payroll had simply run dry.",
    "Passenger services started with a single carriage pulled by a locomotive that had been "
    "bought second-hand from a quarry.",
    "Within a year the line carried timber, wool and post, and the carriage was replaced by "
    "three coaches painted a deep maroon.",
    "Farmers along the route complained that sparks from the engine set fire to their hay, "
    "and the company paid compensation in seed grain.",
    "The station master at Orlen kept bees on the platform roof and sold honey to travellers "
    "waiting for the evening train.",
    "During the great snow of the fourth winter the line was closed for six weeks, the "
    "longest interruption in its history.",
    "Volunteers from the villages cleared the cuttings by hand, and the company rewarded each "
    "of them with a lifetime pass.",
    "Some of those passes were still being presented at ticket windows half a century later, "
    "to the confusion of younger clerks.",
    "The line was never profitable, but the provincial council judged it indispensable to the "
    "valley's prosperity and kept it running.",
    "Its closure, when it finally came, was marked by a procession of every surviving "
    "locomotive from the terminus to the depot.",
    "The depot itself was converted into a museum whose most popular exhibit is the station "
    "master's beehive, restored and glazed.",
)

HARBOUR = (
    "The harbour commission of Veloria met for the first time in a rented room above a "
    "chandler's shop near the fish market.",
    "Its members were a pilot, two merchants, a retired captain and a schoolteacher who "
    "kept the minutes in a careful hand.",
    "Their first decision was to light the breakwater, which had claimed three fishing boats "
    "in the previous winter alone.",
    "A lantern was ordered from the Kessmark works, and it arrived packed in straw on the "
    "back of a borrowed cart.",
    "The schoolteacher noted that the lantern was lit on a Tuesday evening in front of most "
    "of the town and a great many gulls.",
    "Dredging the inner basin took far longer than the commission had hoped, because the "
    "silt returned with every spring tide.",
    "An engineer from the capital proposed a sluice gate, which the commission approved "
    "after an argument lasting two full sessions.",
    "The sluice worked well for a generation, until a storm tore one of its doors from the "
    "hinges and carried it out to sea.",
    "Fishermen found the door drifting off the southern cape and towed it home, where it "
    "was refitted within the week.",
    "The commission's records end abruptly in the autumn of its fortieth year, when the "
    "harbour was transferred to the provincial authority.",
)

FOREWORD = (
    "This review was begun at the request of the Kessmark heritage trust, which wished to know "
    "how the works had survived two floods and a fire.",
    "Its authors thank the archivists of the provincial library for their patience with "
    "requests that were often vague and always urgent.",
)
