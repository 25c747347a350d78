"""Household: one home, a view on row `idx` of the household arrays.

Each method is one phase for this household, in plain Python, doing what the
kernel of the same name in `sim/kernels/` does for every household. The
agent reads the day's shock inputs for its grid from `model.today`, and the
parameters from `model.params`.
"""

from __future__ import annotations

import mesa

from agents.base import state_views
from sim import rng
from sim.flags import ASK_CHAT, ASK_NEIGHBOURS, ASK_PLATFORM, CHAT, REQUEST, SENSING, UP
from sim.state import HOUSEHOLD_FIELDS


@state_views("households", HOUSEHOLD_FIELDS, renamed={"grid": "grid_id"})
class Household(mesa.Agent):
    """One household: attributes, stocks and its part in each phase of the day.

    Every field of `sim.state.HOUSEHOLD_FIELDS` is an attribute of the agent (its row).
    """

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx

    def ties(self):
        """(neighbour row, tie strength) pairs, in CSR order."""
        net = self.model.network
        lo, hi = net.indptr[self.idx], net.indptr[self.idx + 1]
        return zip(net.indices[lo:hi].tolist(), net.weight[lo:hi].tolist())

    def _draw(self, stream: int) -> float:
        return rng.uniform_py(self.model.seed_value, self.model.clock, stream, self.idx)

    # Phase 1
    def apply_shock(self):
        """Damage: reserves destroyed and need added, by hazard x exposure; hardship."""
        b = self.model.params.behaviour
        h = self.model.today.hazard[self.grid_id]
        self.destroyed_today = 0.0
        if h > 0.0:
            dmg = h * self.exposure
            lost = b.damage_reserve_loss * dmg * self.reserves
            self.reserves -= lost
            self.destroyed_today = lost
            self.need = min(b.need_cap_days, self.need + b.damage_need_days * dmg)
        day = self.model.clock
        if self.t_hardship_end <= day and self._draw(rng.S_HARDSHIP) < b.hardship_rate:
            self.t_hardship_end = day + b.hardship_days

    # Phase 2
    def warn_and_perceive(self):
        """Hear a warning (platform, yesterday's visit, chat group, telling ties);
        perceive risk. Who was telling at the start of the phase is in the
        model's scratch (telling_prev, grid_telling: see snapshot_telling). What
        the kernels warn_officially, spread_warning and perceive_risk do for every
        household, in one pass."""
        b, today, day = self.model.params.behaviour, self.model.today, self.model.clock
        telling_prev = self.model.scratch.telling_prev
        grid_telling = self.model.scratch.grid_telling
        gov = self.model.params.governance
        chat_groups = gov.chat_groups
        gid = self.grid_id
        level = today.warning[gid]
        if level <= 0.0:
            self.t_informed = -1
            self.is_telling = False
            self.perception *= 1.0 - b.perception_decay
            return
        if self.t_informed < 0:
            informed = False
            p_platform = b.warning_reach * today.platform * today.telecom[gid]
            if self.has_digital_access and self._draw(rng.S_WARN_PLATFORM) < p_platform:
                informed = True
            elif (gov.broadcast_warnings > 0.0 and self._draw(rng.S_WARN_BROADCAST)
                  < gov.broadcast_warnings * today.telecom[gid]):
                informed = True
            elif (self.t_visited >= 0 and self.t_visited == day - 1
                  and today.warning_prev[gid] > 0):
                informed = True
            elif (chat_groups and self.is_chat_member()
                  and (b.chat_relay or grid_telling[gid] > 0)
                  and self._draw(rng.S_WARN_CHAT) < b.chat_warning * today.telecom[gid]):
                informed = True
            else:
                q = 1.0
                for j, w in self.ties():
                    if telling_prev[j]:
                        q *= 1.0 - b.word_of_mouth * w
                if q < 1.0 and self._draw(rng.S_WARN_TELL) < 1.0 - q:
                    informed = True
            if informed:
                self.t_informed = day
                self.is_telling = True
        elif self.is_telling and self._draw(rng.S_WARN_STOP) < b.stop_telling:
            self.is_telling = False
        if self.t_informed >= 0:
            self.perception = max(self.perception, level)
        else:
            self.perception *= 1.0 - b.perception_decay

    def is_chat_member(self) -> bool:
        """In the grid's chat group: a smartphone and, if chat groups need ties,
        a tie in the grid."""
        return bool(self.has_digital_access) and (
            not self.model.params.behaviour.chat_needs_ties or self.n_grid_ties > 0)

    # Phase 3 (with GridUnit.consume_and_restock: the grid's shops)
    def consume(self) -> float:
        """Use a day of essentials; shortfall becomes need. Returns what the
        household wants to buy today (bought_today holds it until the purchase):
        its need plus the refill of reserves to target (raised while it stocks
        up, less for a low-income home), at most what its walk-in access to shops
        allows (cut by the shock's supply access and closed by a stay-at-home order)."""
        b, today = self.model.params.behaviour, self.model.today
        if self.need <= 0.0 and self.t_need_start >= 0:  # yesterday's episode ended
            self.t_need_start = -1
            self.t_detected = -1
        r = self.reserves - 1.0
        nd = self.need
        drawn = 1.0
        if r < 0.0:
            drawn = self.reserves
            nd = min(b.need_cap_days, nd - r)
            r = 0.0
        power = 1.0
        if self.is_low_income:
            power = b.low_income_restock_factor * today.income[self.grid_id]
        target = self.reserve_target
        if self.perception > b.perception_threshold:
            target += b.stockup_days * power
        cap = b.restock_days * today.supply[self.grid_id] * (1.0 - today.closure[self.grid_id])
        if self.t_hardship_end > self.model.clock:
            cap = 0.0
        else:
            cap *= power
        want = nd
        if target > r:
            want += target - r
        if want > cap:
            want = cap
        self.reserves = r
        self.need = nd
        self.consumed_today = drawn
        self.bought_today = want
        return want

    def buy(self, frac: float) -> float:
        """Buy `frac` of what the household wanted (the shops' rationing): pay off
        need first, the rest to reserves. Returns what was bought."""
        buy = self.bought_today * frac
        nd = self.need
        paid = min(nd, buy)
        nd -= paid
        self.reserves += buy - paid
        self.need = nd
        self.bought_today = buy
        self.consumed_today += paid
        return buy

    def order_wish(self) -> float:
        """What the household orders from one channel while its grid is closed: its
        need plus the refill of reserves to target, at most restock_days x closure
        (times low_income_restock_factor x income if low income); 0 in hardship."""
        b, today = self.model.params.behaviour, self.model.today
        if self.t_hardship_end > self.model.clock:
            return 0.0
        cap = b.restock_days * today.closure[self.grid_id]
        if self.is_low_income:
            cap *= b.low_income_restock_factor * today.income[self.grid_id]
        want = self.need
        if self.reserve_target > self.reserves:
            want += self.reserve_target - self.reserves
        return min(want, cap)

    def receive_order(self, got: float):
        """Ordered goods: pay off need first, the rest to reserves."""
        paid = min(self.need, got)
        self.need -= paid
        self.reserves += got - paid
        self.bought_today += got
        self.consumed_today += paid

    def open_need_episode(self):
        """After the day's purchases and orders: need left means in need today, and
        a need episode opens if none is open."""
        if self.need > 0.0:
            self.t_need_last = self.model.clock
            if self.t_need_start < 0:
                self.t_need_start = self.model.clock
                self.was_in_need = True

    def receive_package(self, ration: float):
        """A government food package: pays off need first, the rest to reserves."""
        paid = min(self.need, ration)
        self.need -= paid
        self.reserves += ration - paid
        self.consumed_today += paid
        self.package_in_today = ration

    # Phase 4
    def seek_help(self) -> bool:
        """Ask the platform, the chat group, the ties. Returns: asked the ties."""
        b, g, today = self.model.params.behaviour, self.model.params.governance, self.model.today
        a = 0
        if self.need > 0.0:
            tel = today.telecom[self.grid_id]
            if self.has_digital_access and (self._draw(rng.S_ASK_PLATFORM)
                                            < b.ask_platform * self.trust * today.platform * tel):
                a |= ASK_PLATFORM
            if g.chat_groups and self.is_chat_member() and (
                    self._draw(rng.S_ASK_CHAT) < b.ask_chat * tel
                    * ((1.0 - b.chat_thinning) + b.chat_thinning * self.social_capital)):
                a |= ASK_CHAT
            if self._draw(rng.S_ASK_NEIGHBOURS) < b.ask_neighbours * self.social_capital:
                a |= ASK_NEIGHBOURS
            if (a & ASK_PLATFORM) and self.t_request < 0:
                self.t_request = self.model.clock
        self.asked_today = a
        return bool(a & ASK_NEIGHBOURS)

    # Phase 5a
    def detect_on_platform(self):
        """The platform opens a case: a request, a linked chat post, or sensing."""
        g, today = self.model.params.governance, self.model.today
        self.detected_by = 0
        if self.need <= 0.0 or self.t_case >= 0:
            return
        gid = self.grid_id
        ch = 0
        if self.asked_today & ASK_PLATFORM:
            ch = REQUEST
        elif g.chat_to_platform and (self.asked_today & ASK_CHAT) and today.platform > UP:
            ch = CHAT
        elif self.has_digital_access and (self._draw(rng.S_SENSING) < g.platform_sensing
                                          * today.platform * today.power[gid]
                                          * today.telecom[gid]):
            ch = SENSING
        if ch > 0:
            self.detected_by = ch
            self.open_case(ch)

    def open_case(self, channel: int):
        """A case opens through `channel` and shows on the dashboard; the first
        detection is noted."""
        self.case_channel = channel
        self.t_case = self.model.clock
        self.is_on_dashboard = True
        self.note_detection()

    def note_detection(self):
        """Remember the first detection of this need episode."""
        if self.t_detected < 0:
            self.t_detected = self.model.clock
            self.was_detected = True

    # Phase 5c
    def lose_case(self):
        """The case lost its details on the way: it returns closed without service."""
        self.t_case = -1
        self.is_on_dashboard = False

    # Phase 6a
    def is_asking_ties(self) -> bool:
        return (self.asked_today & ASK_NEIGHBOURS) != 0 and self.need > 0.0

    def offer_mutual_aid(self):
        """Offer a share of surplus to asking ties, in proportion to tie strength."""
        b = self.model.params.behaviour
        households = self.model.households
        scale = 0.0
        if not self.is_asking_ties():
            surplus = self.reserves - b.aid_keep_days
            if surplus > 0.0:
                w_sum = 0.0
                for j, w in self.ties():
                    if households[j].is_asking_ties():
                        w_sum += w
                if w_sum > 0.0:
                    scale = b.aid_share * self.social_capital * surplus / w_sum
        self.aid_scale = scale

    def receive_mutual_aid(self):
        """Accept offers up to need."""
        households = self.model.households
        frac = 0.0
        got = 0.0
        if self.is_asking_ties():
            total = 0.0
            for j, w in self.ties():
                total += households[j].aid_scale * w
            if total > 0.0:
                got = min(total, self.need)
                frac = got / total
        self.aid_frac = frac
        self.aid_in_today = got

    def settle_mutual_aid(self):
        """Give what ties accepted; need falls by what this household accepted."""
        households = self.model.households
        given = 0.0
        if self.aid_scale > 0.0:
            for j, w in self.ties():
                given += w * households[j].aid_frac
            given *= self.aid_scale
        self.aid_out_today = given
        self.reserves -= given
        self.need -= self.aid_in_today
        self.consumed_today += self.aid_in_today

    def close_case(self):
        """The open case closes and leaves the dashboard."""
        self.t_case = -1
        self.t_dispatch = -1
        self.is_on_dashboard = False

    def receive_department_visit(self, delivered: float) -> None:
        """A department comes and delivers `delivered` (nothing if the need has
        gone), paying off need first (used up), the rest to reserves; the case
        closes either way."""
        paid = min(self.need, delivered)
        self.need -= paid
        self.consumed_today += paid
        self.reserves += delivered - paid
        self.department_in_today = delivered
        self.t_request = -1
        self.close_case()

    # Phase 7
    def update_wellbeing(self):
        """Wellbeing falls with need, heat and damage, recovers when needs are met."""
        b, today = self.model.params.behaviour, self.model.today
        gid = self.grid_id
        nd = self.need
        stress = (b.need_stress * min(nd / b.need_scale_days, 1.0)
                  + b.heat_stress * today.heat[gid] * (1.0 - b.heat_cooling * today.power[gid])
                  + b.damage_stress * today.hazard[gid] * self.exposure)
        if self.is_vulnerable:
            stress *= b.vulnerable_factor
        w = self.wellbeing - stress
        if nd <= 0.0:
            w += b.recovery * (1.0 - w)
        self.wellbeing = min(1.0, max(0.0, w))

    # Phase 8
    def update_trust_and_social_capital(self):
        """Trust follows government help (and help the grid coordinates) and waiting,
        and relaxes toward its baseline; social capital follows aid."""
        b, g, today = self.model.params.behaviour, self.model.params.governance, self.model.today
        t = self.trust
        if self.department_in_today > 0.0:
            t += b.trust_gain * (1.0 - t)
        elif g.volunteer_coordination and self.volunteer_in_today > 0.0:
            t += b.trust_gain_coordinated * (1.0 - t)
        elif self.t_request >= 0 and self.model.clock - self.t_request > b.patience_days:
            t -= b.trust_loss * t
        t += b.trust_relax * (self.trust0 - t)
        self.trust = t
        if self.need <= 0.0:
            self.t_request = -1
        s = self.social_capital
        if self.aid_in_today > 0.0 or self.aid_out_today > 0.0 or self.volunteer_in_today > 0.0:
            s += b.sc_gain_aid * (1.0 - s)
        if g.chat_groups and self.is_chat_member():
            s += b.sc_gain_chat * today.telecom[self.grid_id] * (1.0 - s)
        s += g.social_capital_investment * (1.0 - s)
        s += b.sc_relax * (self.social_capital0 - s)
        self.social_capital = min(1.0, max(0.0, s))

    def is_resolved(self) -> bool:
        """Need has stayed at zero for close_after_days days: the case may close."""
        g = self.model.params.governance
        return self.need <= 0.0 and self.model.clock - self.t_need_last >= g.close_after_days

    # Phase 9
    def leave_dashboard(self) -> bool:
        """A resolved household leaves the dashboard, and its case closes, if the
        platform senses it or (under volunteer coordination) the volunteers report
        it to the grid worker. Returns: still on the dashboard."""
        if not self.is_on_dashboard:
            return False
        g, today = self.model.params.governance, self.model.today
        gid = self.grid_id
        if self.is_resolved() and (g.volunteer_coordination or (
                self.has_digital_access and self._draw(rng.S_DASH_SENSE)
                < g.platform_sensing * today.platform * today.power[gid] * today.telecom[gid])):
            self.close_case()
            return False
        return True
