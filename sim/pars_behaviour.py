"""The parameter group `behaviour`: how households and volunteers act, and the
stocks they live from; held fixed across strategies.

Declared here with their metadata (`sim.parspec.par`); collected, validated
and addressed by dotted name in `sim.params`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.parspec import par


@dataclass(frozen=True)
class BehaviourPars:
    """How households and volunteers act; held fixed across strategies."""

    restock_days: float = par(2.0, 0.0, 20.0, "days/day", "Restocking",
                              "Days of essentials a household can buy per day with full supply",
                              plausible=(1.2, 3.0),
                              source="assumption: above 1 (daily use) so reserves can rebuild, up "
                                     "to three days' goods a day")
    low_income_restock_factor: float = par(0.6, 0.0, 1.0, "ratio", "Low-income restocking",
                                           "Restocking of low-income homes relative to others")
    need_cap_days: float = par(14.0, 1.0, 100.0, "days", "Need cap",
                               "Largest backlog of unmet essentials a household carries")
    stockup_days: float = par(7.0, 0.0, 60.0, "days", "Stock-up",
                              "Extra days of essentials a warned household aims to hold",
                              plausible=(2.0, 14.0),
                              source="assumption: from a couple of days to two weeks of extra "
                                     "stock")
    perception_threshold: float = par(0.5, 0.0, 1.0, "level", "Perception threshold",
                                      "Risk perception above which a household stocks up")
    perception_decay: float = par(0.2, 0.0, 1.0, "1/day", "Perception decay",
                                  "Daily fall of risk perception once a household is not warned")
    warning_reach: float = par(0.8, 0.0, 1.0, "probability", "Warning reach (platform)",
                               "Daily chance a platform warning reaches a connected household",
                               plausible=(0.5, 0.95),
                               source="nothing known: wide range for the daily reach of an "
                                      "official alert")
    chat_warning: float = par(0.5, 0.0, 1.0, "probability", "Warning reach (chat group)",
                              "Daily chance a chat group member hears a warning another member in the grid is passing on")
    chat_relay: bool = par(True, unit="", label="Warnings relayed in chat groups",
                           help="Grid workers post official warnings in their grid's chat group "
                                "(where groups exist), platform or not")
    word_of_mouth: float = par(0.3, 0.0, 1.0, "probability", "Word of mouth",
                               "Daily chance a telling household tells a full-strength tie",
                               plausible=(0.1, 0.6),
                               source="nothing known: wide range")
    stop_telling: float = par(0.3, 0.0, 1.0, "probability", "Stop telling",
                              "Daily chance an informed household stops passing a warning on")
    ask_platform: float = par(0.5, 0.0, 1.0, "probability", "Ask the platform",
                              "Daily chance a household in need asks the platform, at full trust",
                              plausible=(0.2, 0.8),
                              source="nothing known: wide range")
    ask_chat: float = par(0.6, 0.0, 1.0, "probability", "Ask the chat group",
                          "Daily chance a household in need posts in its community chat group",
                          plausible=(0.3, 0.9),
                          source="nothing known: wide range")
    ask_neighbours: float = par(0.7, 0.0, 1.0, "probability", "Ask neighbours",
                                "Daily chance a household in need asks its ties, at full social capital",
                                plausible=(0.3, 0.95),
                                source="nothing known: wide range")
    aid_keep_days: float = par(3.0, 0.0, 30.0, "days", "Kept for oneself",
                               "Reserves a household keeps before sharing with ties",
                               plausible=(1.0, 7.0),
                               source="assumption: from one day to a week kept before sharing")
    aid_share: float = par(0.5, 0.0, 1.0, "share", "Share of surplus",
                           "Share of its surplus a household offers per day, at full social capital",
                           plausible=(0.2, 0.8),
                           source="nothing known: wide range")
    volunteer_capacity_days: float = par(6.0, 0.0, 50.0, "days/day", "Volunteer capacity",
                                         "Essentials a fully motivated volunteer delivers per day",
                                         plausible=(2.0, 12.0),
                                         source="assumption: one day's goods to 2 to 12 homes a "
                                                "day")
    volunteer_hours_per_day: float = par(0.5, 0.0, 8.0, "hours/day", "Volunteer hours per delivery",
                                         "Volunteer hours per day of essentials delivered")
    motivation_gain: float = par(0.05, 0.0, 1.0, "1/day", "Motivation gain",
                                 "Growth of volunteer motivation with use")
    crowd_out: float = par(0.1, 0.0, 1.0, "1/day", "Crowding out",
                           "Loss of motivation of an idle volunteer while formal services serve the grid",
                           plausible=(0.0, 0.3),
                           source="nothing known, including whether crowding out happens at all: "
                                  "from none to fast")
    burnout_threshold: float = par(7.0, 0.0, 100.0, "days", "Burnout threshold",
                                   "Accumulated full-use days above which a volunteer burns out",
                                   plausible=(3.0, 14.0),
                                   source="assumption: burnout after roughly 4 to 30 days of full "
                                          "use")
    burnout_rate: float = par(0.1, 0.0, 1.0, "1/day", "Burnout",
                              "Daily loss of motivation of a burnt-out volunteer")
    fatigue_recovery: float = par(0.1, 0.0, 1.0, "1/day", "Fatigue recovery",
                                  "Daily recovery from accumulated fatigue")
    motivation_relax: float = par(0.02, 0.0, 1.0, "1/day", "Motivation relaxation",
                                  "Daily pull of motivation back to its baseline")
    trust_gain: float = par(0.1, 0.0, 1.0, "per service", "Trust gain",
                            "Rise of trust when government help arrives",
                            plausible=(0.03, 0.3),
                            source="nothing known: wide range")
    trust_loss: float = par(0.02, 0.0, 1.0, "1/day", "Trust loss",
                            "Daily fall of trust while a request waits past patience",
                            plausible=(0.005, 0.06),
                            source="nothing known: wide range")
    trust_relax: float = par(0.01, 0.0, 1.0, "1/day", "Trust relaxation",
                             "Daily pull of trust back to the household's baseline")
    trust_gain_coordinated: float = par(0.05, 0.0, 1.0, "per delivery", "Trust from coordinated help",
                                        "Rise of trust when volunteers the grid coordinates bring help")
    patience_days: int = par(3, 0, 60, "days", "Patience",
                             "Days a request may wait before trust starts to fall")
    sc_gain_aid: float = par(0.02, 0.0, 1.0, "per day", "Social capital from aid",
                             "Rise of social capital on a day of giving or getting mutual aid")
    sc_gain_chat: float = par(0.002, 0.0, 1.0, "1/day", "Social capital from chat groups",
                              "Daily rise of social capital of a household in an active chat group")
    sc_relax: float = par(0.01, 0.0, 1.0, "1/day", "Social capital relaxation",
                          "Daily pull of social capital back to its baseline")
    need_stress: float = par(0.06, 0.0, 1.0, "1/day", "Stress of unmet need",
                             "Daily wellbeing loss at a full need backlog (need_scale_days)")
    need_scale_days: float = par(3.0, 0.1, 30.0, "days", "Need scale",
                                 "Need backlog at which need stress is full")
    heat_stress: float = par(0.05, 0.0, 1.0, "1/day", "Heat stress",
                             "Daily wellbeing loss at full heat without cooling")
    heat_cooling: float = par(0.7, 0.0, 1.0, "share", "Cooling protection",
                              "Share of heat stress removed while the power is on")
    damage_stress: float = par(0.05, 0.0, 1.0, "1/day", "Damage stress",
                               "Daily wellbeing loss at full hazard and exposure")
    vulnerable_factor: float = par(2.0, 1.0, 10.0, "ratio", "Vulnerability factor",
                                   "How much faster wellbeing falls for vulnerable households")
    recovery: float = par(0.1, 0.0, 1.0, "1/day", "Recovery",
                          "Daily recovery of wellbeing toward 1 while needs are met")
    crisis_threshold: float = par(0.4, 0.0, 1.0, "wellbeing", "Crisis threshold",
                                  "Wellbeing below which a household is in crisis")
    hardship_rate: float = par(0.002, 0.0, 1.0, "1/day", "Everyday hardship",
                               "Daily chance a household meets a misfortune (illness, lost job)")
    hardship_days: int = par(14, 0, 365, "days", "Hardship length",
                             "Days a household in hardship cannot restock")
    damage_reserve_loss: float = par(0.3, 0.0, 1.0, "1/day", "Reserves destroyed",
                                     "Daily share of reserves destroyed at full hazard and exposure")
    damage_need_days: float = par(0.5, 0.0, 10.0, "days/day", "Damage need",
                                  "Need added per day at full hazard and exposure (repairs, care)")
    shop_stock_days: float = par(3.0, 0.0, 60.0, "days", "Shop stock",
                                 "Days of its grid's use a shop holds when full (its capacity)",
                                 plausible=(1.5, 7.0),
                                 source="assumption: neighbourhood shops and supermarkets hold a "
                                        "few days of turnover (just-in-time retail); runs on "
                                        "shops before the 2022 Shanghai lockdown emptied shelves "
                                        "within a day or two")
    shop_resupply_days: float = par(1.5, 0.0, 20.0, "days/day", "Shop resupply",
                                    "Daily deliveries to a grid's shops at full supply, in days "
                                    "per household",
                                    plausible=(1.1, 3.0),
                                    source="assumption: above 1 (daily use) so shops refill after "
                                           "a run, within a few days")
    platform_delivery_days: float = par(0.15, 0.0, 20.0, "days/day", "Platform deliveries",
                                        "Essentials delivery platforms' riders bring from the "
                                        "shops' stock to a closed grid a day, per household "
                                        "(while a stay-at-home order is in force)",
                                        plausible=(0.05, 0.4),
                                        source="assumption: in the 2022 Shanghai lockdown the "
                                               "platforms' delivery capacity fell sharply (vice "
                                               "mayor Chen Tong, 7 April 2022) and a day's slots "
                                               "were gone minutes after opening (AP, 7 April "
                                               "2022); from a twentieth to two fifths of daily "
                                               "use")
    group_buy_days: float = par(0.4, 0.0, 20.0, "days/day", "Group buying",
                                "Essentials group buying (building leads' bulk orders in chat "
                                "groups from supply-guarantee enterprises) brings into a closed "
                                "grid a day, per household",
                                plausible=(0.1, 0.9),
                                source="assumption: in the 2022 Shanghai lockdown group buying "
                                       "became residents' main source of food (Rest of World, "
                                       "April 2022; Han et al. 2024, Frontiers in Sustainable "
                                       "Food Systems), limited by the whitelisted suppliers' "
                                       "passes, sorting and drivers; from a tenth to most of "
                                       "daily use")
    group_buy_lead_share: float = par(1.0, 0.0, 1.0, "share", "Buildings with a group-buying "
                                      "lead",
                                      "Share of buildings with a group-buying lead (团长) who "
                                      "collects orders and receives the bulk deliveries; "
                                      "households of a building without one cannot join group "
                                      "buying (1: every building, as before this dial)",
                                      plausible=(0.2, 1.0),
                                      source="assumption: in the 2022 Shanghai lockdown group "
                                             "orders needed a volunteer lead with supplier "
                                             "contacts and a pass, and compounds differed in "
                                             "having one (older compounds with many elderly "
                                             "residents less often); no survey gives the share: "
                                             "from a fifth of the buildings to all of them")
    donation_share: float = par(0.3, 0.0, 1.0, "share", "Donations to volunteers",
                                "Share of its surplus above aid_keep_days a household not in need "
                                "gives volunteers when they collect, per day",
                                plausible=(0.1, 0.6),
                                source="nothing known: wide range for neighbourhood collections "
                                       "of goods")
    shop_exposure: float = par(0.5, 0.0, 1.0, "share", "Shop exposure",
                               "Exposure of a grid's shop stock to hazards, 0-1 (as households' "
                               "exposure): a flood destroys damage_reserve_loss x hazard x this "
                               "share of it a day",
                               plausible=(0.2, 0.8),
                               source="assumption: street-level shops and their storerooms take "
                                      "water like ground-floor homes; from a fifth to most of the "
                                      "stock within reach")
    chat_thinning: float = par(0.5, 0.0, 1.0, "share", "Chat groups thin with social capital",
                               "Share of the chance to post in the chat group that depends on "
                               "the household's social capital (0: posting does not depend on it)",
                               plausible=(0.0, 1.0),
                               source="assumption: online neighbourhood groups are busiest where "
                                      "offline ties are strong; nothing measures how much")
    chat_needs_ties: bool = par(True, unit="", label="Chat groups need ties",
                                help="A household with no tie in its grid is not in the grid's "
                                     "chat group (cannot post or read there); off: every "
                                     "smartphone household is a member")
