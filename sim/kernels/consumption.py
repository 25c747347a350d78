"""Phase 3, consumption and need: the morning's deliveries; a day of essentials is used;
households buy from their grid's shops, which hold a limited stock.

Household rows in the loops over a grid are unsigned (`np.uint64`): with no negative
index to wrap around, the compiler vectorises more of each loop (the same values).
"""

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def deliver_in_the_morning(start, stop, supply, shop_stock, shop_in_today, shop_share, depot,
                           in_transit, shop_stock_days, shop_resupply_days):
    """The morning's deliveries, per grid g of n_g households: yesterday's pre-positioned
    goods (in_transit) land in the depot; the shops get shop_in_today =
    min(supply_g * shop_resupply_days * n_g * s_g, shop_stock_days * n_g * s_g -
    shop_stock) (their capacity caps the delivery; s_g = shop_share, 1 unless a
    district's shop points say otherwise), added to their stock. Parallel over grids.

    Writes shop_stock, shop_in_today, depot, in_transit.
    """
    for g in prange(start.shape[0]):
        depot[g] += in_transit[g]
        in_transit[g] = 0.0
        n_g = stop[g] - start[g]
        came = supply[g] * shop_resupply_days * n_g * shop_share[g]
        room = shop_stock_days * n_g * shop_share[g] - shop_stock[g]
        if came > room:
            came = room
        if came < 0.0:
            came = 0.0
        shop_in_today[g] = came
        shop_stock[g] = shop_stock[g] + came


@njit(cache=True, parallel=True)
def close_need_episodes(need, t_need_start, t_detected):
    """A need episode runs from the day need turns positive to the day it is met; it
    is closed here, the next morning, so that the record phase still sees the episode
    on the day it ends (episodes open in open_need_episodes, after the day's orders).

    Writes t_need_start, t_detected.
    """
    for i in prange(need.shape[0]):
        if need[i] <= 0.0 and t_need_start[i] >= 0:  # yesterday's episode ended
            t_need_start[i] = -1
            t_detected[i] = -1


@njit(cache=True, parallel=True)
def consume_and_restock(start, stop, is_low_income, reserve_target, perception, supply, income,
                        closure, t_hardship_end, reserves, need, bought_today, consumed_today,
                        shop_stock, restock_days, low_income_restock_factor, need_cap_days,
                        stockup_days, perception_threshold, day):
    """A day of use, and purchases from the grid's shops (after the morning's
    deliveries, deliver_in_the_morning, and the closing of yesterday's need episodes,
    close_need_episodes).

    Each household uses one day of reserves; a shortfall becomes need (capped at
    need_cap_days). It wants to buy at most restock_days * supply * (1 - closure) (the
    supply factor is its access to shops: a flooded street cuts it; a stay-at-home order,
    closure, shuts the shops to walk-in buyers; times low_income_restock_factor * income
    for low-income homes: their purchasing power; nothing while in hardship), and no more
    than it wants: its need, plus what refills reserves to the habitual target, raised by
    stockup_days while perception > perception_threshold (self-rescue; for low-income homes
    by stockup_days * low_income_restock_factor * income: income loss limits stock-ups).
    If the grid's wishes exceed
    the shops' stock, every household gets the same fraction of its wish (rationing), so
    stock-ups empty the shelves for others. Purchases pay off need first, the rest goes to
    reserves. consumed_today = the day's use drawn from reserves + the need paid off.
    Two passes per grid (wishes, then purchases); parallel over grids.

    Writes reserves, need, bought_today, consumed_today, shop_stock.
    """
    for g in prange(start.shape[0]):
        a = start[g]
        b = stop[g]
        stock = shop_stock[g]
        demand = 0.0
        # pass 1: the day's use, and what each household wants
        for i in range(np.uint64(a), np.uint64(b)):
            r = reserves[i] - 1.0
            nd = need[i]
            drawn = 1.0
            if r < 0.0:
                drawn = reserves[i]
                nd = min(need_cap_days, nd - r)
                r = 0.0
            power = 1.0
            if is_low_income[i]:
                power = low_income_restock_factor * income[g]
            target = reserve_target[i]
            if perception[i] > perception_threshold:
                target += stockup_days * power
            cap = restock_days * supply[g] * (1.0 - closure[g])
            if t_hardship_end[i] > day:
                cap = 0.0
            else:
                cap *= power
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
        # pass 2: purchases, rationed by the shops' stock
        for i in range(np.uint64(a), np.uint64(b)):
            buy = bought_today[i] * frac
            nd = need[i]
            paid = min(nd, buy)
            nd -= paid
            reserves[i] += buy - paid
            need[i] = nd
            bought_today[i] = buy
            consumed_today[i] += paid
            sold += buy
        if frac < 1.0:
            shop_stock[g] = 0.0  # the shelves are empty
        else:
            shop_stock[g] = stock - sold


@njit(cache=True, inline="always")
def _order_wish(i, g, is_low_income, reserve_target, closure, income, t_hardship_end, reserves,
                need, restock_days, low_income_restock_factor, day):
    """What household i orders from one channel while its grid is closed: its need plus
    the refill of reserves to the habitual target, at most restock_days * closure (times
    low_income_restock_factor * income for low-income homes); nothing in hardship."""
    if t_hardship_end[i] > day:
        return 0.0
    cap = restock_days * closure[g]
    if is_low_income[i]:
        cap *= low_income_restock_factor * income[g]
    want = need[i]
    if reserve_target[i] > reserves[i]:
        want += reserve_target[i] - reserves[i]
    return min(want, cap)


@njit(cache=True, inline="always")
def _receive(i, got, reserves, need, bought_today, consumed_today):
    """Goods ordered by household i: pay off need first, the rest to reserves."""
    paid = min(need[i], got)
    need[i] -= paid
    reserves[i] += got - paid
    bought_today[i] += got
    consumed_today[i] += paid


@njit(cache=True, parallel=True)
def order_from_platforms(start, stop, has_digital_access, is_low_income, reserve_target,
                         closure, income, t_hardship_end, reserves, need, bought_today,
                         consumed_today, shop_stock, restock_days, low_income_restock_factor,
                         platform_delivery_days, day):
    """While a stay-at-home order closes a grid (closure > 0), households with a
    smartphone order essentials through delivery platforms, from the grid's shops'
    stock; riders carry at most platform_delivery_days * closure * n_g a day. Each orders
    at most restock_days * closure (times low_income_restock_factor * income for
    low-income homes: purchasing power), and no more than its need plus the refill of its
    reserves to the habitual target; if the orders exceed what the riders carry (or the
    shops hold), every order gets the same fraction (slots). Ordered goods count as
    purchases (bought_today). Two passes per grid; parallel over grids.

    Writes reserves, need, bought_today, consumed_today, shop_stock.
    """
    for g in prange(start.shape[0]):
        if closure[g] <= 0.0:
            continue
        a = start[g]
        b = stop[g]
        limit = min(platform_delivery_days * closure[g] * (b - a), shop_stock[g])
        if limit <= 0.0:
            continue
        demand = 0.0
        for i in range(np.uint64(a), np.uint64(b)):
            if has_digital_access[i]:
                demand += _order_wish(i, g, is_low_income, reserve_target, closure, income,
                                      t_hardship_end, reserves, need, restock_days,
                                      low_income_restock_factor, day)
        if demand <= 0.0:
            continue
        frac = 1.0
        if demand > limit:
            frac = limit / demand
        sold = 0.0
        for i in range(np.uint64(a), np.uint64(b)):
            if has_digital_access[i]:
                got = frac * _order_wish(i, g, is_low_income, reserve_target, closure, income,
                                         t_hardship_end, reserves, need, restock_days,
                                         low_income_restock_factor, day)
                _receive(i, got, reserves, need, bought_today, consumed_today)
                sold += got
        shop_stock[g] = max(0.0, shop_stock[g] - sold)


@njit(cache=True, parallel=True)
def order_group_buying(start, stop, has_digital_access, has_group_lead, is_low_income,
                       reserve_target, social_capital, closure, income, t_hardship_end,
                       reserves, need, bought_today, consumed_today, group_in_today,
                       restock_days, low_income_restock_factor, group_buy_days,
                       group_buy_offline, chat_thinning, day):
    """While a grid is closed (closure > 0), building leads collect orders in chat groups
    and buy in bulk from supply-guarantee enterprises outside the grid's shops: they
    deliver at most group_buy_days * closure * n_g a day, goods from outside the city's
    shops (group_in_today). Open to households whose building has a lead (has_group_lead)
    and who have a smartphone, or, under group_buy_offline, every household of such a
    building (neighbours and volunteers order for those without one). A
    household orders what it would order from a platform (order_from_platforms) times
    (1 - chat_thinning) + chat_thinning * social_capital: groups work through neighbours,
    and thin where ties are weak, as chat groups do (seek_help). If the orders exceed what
    the suppliers deliver, every order gets the same fraction. Ordered goods count as
    purchases (bought_today). Two passes per grid; parallel over grids.

    Writes reserves, need, bought_today, consumed_today, group_in_today.
    """
    for g in prange(start.shape[0]):
        group_in_today[g] = 0.0
        if closure[g] <= 0.0:
            continue
        a = start[g]
        b = stop[g]
        limit = group_buy_days * closure[g] * (b - a)
        if limit <= 0.0:
            continue
        demand = 0.0
        for i in range(np.uint64(a), np.uint64(b)):
            if has_group_lead[i] and (has_digital_access[i] or group_buy_offline):
                thin = (1.0 - chat_thinning) + chat_thinning * social_capital[i]
                demand += thin * _order_wish(i, g, is_low_income, reserve_target, closure,
                                             income, t_hardship_end, reserves, need,
                                             restock_days, low_income_restock_factor, day)
        if demand <= 0.0:
            continue
        frac = 1.0
        if demand > limit:
            frac = limit / demand
        sold = 0.0
        for i in range(np.uint64(a), np.uint64(b)):
            if has_group_lead[i] and (has_digital_access[i] or group_buy_offline):
                thin = (1.0 - chat_thinning) + chat_thinning * social_capital[i]
                got = frac * (thin * _order_wish(i, g, is_low_income, reserve_target, closure,
                                                 income, t_hardship_end, reserves, need,
                                                 restock_days, low_income_restock_factor, day))
                _receive(i, got, reserves, need, bought_today, consumed_today)
                sold += got
        group_in_today[g] = sold


@njit(cache=True, parallel=True)
def open_need_episodes(need, t_need_start, t_need_last, was_in_need, day):
    """After the day's purchases and orders: a household with need left is in need today
    (t_need_last = day) and opens a need episode if none is open (t_need_start,
    was_in_need). Parallel over households.

    Writes t_need_start, t_need_last, was_in_need.
    """
    for i in prange(need.shape[0]):
        if need[i] > 0.0:
            t_need_last[i] = day
            if t_need_start[i] < 0:
                t_need_start[i] = day
                was_in_need[i] = True


@njit(cache=True, parallel=True)
def hand_out_packages(start, stop, closure, depot, need, reserves, consumed_today,
                      package_in_today, food_package_days):
    """Government food packages: while a grid is closed (closure > 0), residential
    committees and volunteers hand every household of the grid the same share of the
    day's ration, food_package_days / 7 * closure per household, from the grid's depot
    (which the warehouse fills, phase 6d), as far as the depot holds. A package pays off
    need first, the rest goes to reserves. Parallel over grids.

    Writes depot, need, reserves, consumed_today, package_in_today.
    """
    for g in prange(start.shape[0]):
        a = start[g]
        b = stop[g]
        for i in range(np.uint64(a), np.uint64(b)):
            package_in_today[i] = 0.0
        if closure[g] <= 0.0 or food_package_days <= 0.0 or depot[g] <= 0.0:
            continue
        n_g = b - a
        ration = food_package_days / 7.0 * closure[g]
        if ration * n_g > depot[g]:
            ration = depot[g] / n_g
        given = 0.0
        for i in range(np.uint64(a), np.uint64(b)):
            paid = min(need[i], ration)
            need[i] -= paid
            reserves[i] += ration - paid
            consumed_today[i] += paid
            package_in_today[i] = ration
            given += ration
        depot[g] = max(0.0, depot[g] - given)
