"""Phase 3, consumption and need: a day of essentials is used; shops restock homes."""

from numba import njit, prange


@njit(cache=True, parallel=True)
def consume_and_restock(grid, is_low_income, reserve_target, perception, supply, income,
                        t_hardship_end, reserves, need, t_need_start, t_need_last, t_detected,
                        was_in_need, bought_today, restock_days, low_income_restock_factor,
                        need_cap_days, stockup_days, perception_threshold, day):
    """Use one day of reserves; a shortfall becomes need; buy what supply allows.

    Purchases = restock_days * supply (times low_income_restock_factor *
    income for low-income homes; none while in hardship); they pay off need
    first, then refill reserves up to the habitual target, raised by
    stockup_days while perception > perception_threshold (self-rescue). A
    need episode runs from the day need turns positive to the day it is met;
    it is closed here, the next morning, so that the record phase still sees
    the episode on the day it ends. t_need_last is the last day need was
    left after the purchases (case closure waits for it to age, phase 9).

    Writes reserves, need, bought_today, t_need_start, t_need_last, t_detected, was_in_need.
    """
    for i in prange(grid.shape[0]):
        if need[i] <= 0.0 and t_need_start[i] >= 0:  # yesterday's episode ended
            t_need_start[i] = -1
            t_detected[i] = -1
        g = grid[i]
        r = reserves[i] - 1.0
        nd = need[i]
        if r < 0.0:
            nd = min(need_cap_days, nd - r)
            r = 0.0
        target = reserve_target[i]
        if perception[i] > perception_threshold:
            target += stockup_days
        buy = restock_days * supply[g]
        if t_hardship_end[i] > day:
            buy = 0.0
        elif is_low_income[i]:
            buy *= low_income_restock_factor * income[g]
        paid = min(nd, buy)
        nd -= paid
        buy -= paid
        added = 0.0
        if target > r:
            added = min(buy, target - r)
        reserves[i] = r + added
        need[i] = nd
        bought_today[i] = paid + added
        if nd > 0.0:
            t_need_last[i] = day
        if nd > 0.0 and t_need_start[i] < 0:
            t_need_start[i] = day
            was_in_need[i] = True
