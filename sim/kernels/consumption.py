"""Phase 3, consumption and need: the morning's deliveries; a day of essentials is used;
households buy from their grid's shops, which hold a limited stock."""

from numba import njit, prange


@njit(cache=True, parallel=True)
def consume_and_restock(start, stop, is_low_income, reserve_target, perception, supply, income,
                        t_hardship_end, reserves, need, t_need_start, t_need_last, t_detected,
                        was_in_need, bought_today, consumed_today, shop_stock, shop_in_today,
                        depot, in_transit, restock_days, low_income_restock_factor,
                        need_cap_days, stockup_days, perception_threshold, shop_stock_days,
                        shop_resupply_days, day):
    """The morning's deliveries, a day of use, and purchases from the grid's shops.

    Per grid g of n_g households: yesterday's pre-positioned goods (in_transit) land in the
    depot; the shops get shop_in_today = min(supply_g * shop_resupply_days * n_g,
    shop_stock_days * n_g - shop_stock) (their capacity caps the delivery).

    Each household uses one day of reserves; a shortfall becomes need (capped at
    need_cap_days). It wants to buy at most restock_days * supply (the supply factor is its
    access to shops: a lockdown or a flooded street cuts it; times low_income_restock_factor
    * income for low-income homes; nothing while in hardship), and no more than it wants:
    its need, plus what refills reserves to the habitual target, raised by stockup_days
    while perception > perception_threshold (self-rescue). If the grid's wishes exceed
    the shops' stock, every household gets the same fraction of its wish (rationing), so
    stock-ups empty the shelves for others. Purchases pay off need first, the rest goes to
    reserves. consumed_today = the day's use drawn from reserves + the need paid off.

    A need episode runs from the day need turns positive to the day it is met;
    it is closed here, the next morning, so that the record phase still sees
    the episode on the day it ends. t_need_last is the last day need was
    left after the purchases (case closure waits for it to age, phase 9).
    Two passes per grid (wishes, then purchases); parallel over grids.

    Writes reserves, need, bought_today, consumed_today, t_need_start, t_need_last,
    t_detected, was_in_need, shop_stock, shop_in_today, depot, in_transit.
    """
    for g in prange(start.shape[0]):
        a = start[g]
        b = stop[g]
        depot[g] += in_transit[g]
        in_transit[g] = 0.0
        n_g = b - a
        came = supply[g] * shop_resupply_days * n_g
        room = shop_stock_days * n_g - shop_stock[g]
        if came > room:
            came = room
        if came < 0.0:
            came = 0.0
        shop_in_today[g] = came
        stock = shop_stock[g] + came
        demand = 0.0
        for i in range(a, b):  # pass 1: the day's use, and what each household wants
            if need[i] <= 0.0 and t_need_start[i] >= 0:  # yesterday's episode ended
                t_need_start[i] = -1
                t_detected[i] = -1
            r = reserves[i] - 1.0
            nd = need[i]
            drawn = 1.0
            if r < 0.0:
                drawn = reserves[i]
                nd = min(need_cap_days, nd - r)
                r = 0.0
            target = reserve_target[i]
            if perception[i] > perception_threshold:
                target += stockup_days
            cap = restock_days * supply[g]
            if t_hardship_end[i] > day:
                cap = 0.0
            elif is_low_income[i]:
                cap *= low_income_restock_factor * income[g]
            want = nd
            if target > r:
                want += target - r
            if want > cap:
                want = cap
            reserves[i] = r
            need[i] = nd
            consumed_today[i] = drawn
            bought_today[i] = want
            demand += want
        frac = 1.0
        if demand > stock:
            frac = stock / demand
        sold = 0.0
        for i in range(a, b):  # pass 2: purchases, rationed by the shops' stock
            buy = bought_today[i] * frac
            nd = need[i]
            paid = min(nd, buy)
            nd -= paid
            reserves[i] += buy - paid
            need[i] = nd
            bought_today[i] = buy
            consumed_today[i] += paid
            sold += buy
            if nd > 0.0:
                t_need_last[i] = day
            if nd > 0.0 and t_need_start[i] < 0:
                t_need_start[i] = day
                was_in_need[i] = True
        if frac < 1.0:
            shop_stock[g] = 0.0  # the shelves are empty
        else:
            shop_stock[g] = stock - sold
