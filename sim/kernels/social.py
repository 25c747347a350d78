"""Phase 8, social dynamics: trust, social capital and volunteer motivation."""

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def update_trust(need, department_in_today, volunteer_in_today, t_request, trust, trust0,
                 trust_gain, trust_gain_coordinated, trust_loss, trust_relax, patience_days,
                 volunteer_coordination, day):
    """Trust rises by trust_gain * (1 - trust) when a department serves the
    household, else by trust_gain_coordinated * (1 - trust) when volunteers
    bring help under volunteer coordination (help the grid arranges), else
    falls by trust_loss * trust on each day a platform request has waited more
    than patience_days; then it relaxes toward its baseline by
    trust_relax * (trust0 - trust). A request is forgotten once need is met.
    Writes trust, t_request.
    """
    for i in prange(trust.shape[0]):
        t = trust[i]
        if department_in_today[i] > 0.0:
            t += trust_gain * (1.0 - t)
        elif volunteer_coordination and volunteer_in_today[i] > 0.0:
            t += trust_gain_coordinated * (1.0 - t)
        elif t_request[i] >= 0 and day - t_request[i] > patience_days:
            t -= trust_loss * t
        t += trust_relax * (trust0[i] - t)
        trust[i] = t
        if need[i] <= 0.0:
            t_request[i] = -1


@njit(cache=True, parallel=True)
def update_social_capital(start, stop, has_digital_access, n_grid_ties, aid_in_today,
                          aid_out_today, volunteer_in_today, telecom, social_capital,
                          social_capital0, sc_gain_aid, sc_gain_chat, sc_relax,
                          social_capital_investment, chat_groups, chat_needs_ties):
    """Social capital rises by sc_gain_aid * (1 - s) on a day of mutual aid
    or volunteer help, by sc_gain_chat * telecom * (1 - s) for chat group
    members (a smartphone and, under chat_needs_ties, a tie in the grid), by
    social_capital_investment * (1 - s), and relaxes toward its baseline by
    sc_relax * (s0 - s), kept within 0-1. Parallel over grids. Writes social_capital.
    """
    for g in prange(start.shape[0]):
        chat_gain = sc_gain_chat * telecom[g]  # the same product as per household
        # rows unsigned: with no negative index to wrap around, the compiler
        # vectorises the loop (the same values)
        for i in range(np.uint64(start[g]), np.uint64(stop[g])):
            s = social_capital[i]
            if aid_in_today[i] > 0.0 or aid_out_today[i] > 0.0 or volunteer_in_today[i] > 0.0:
                s += sc_gain_aid * (1.0 - s)
            if chat_groups and has_digital_access[i] and (not chat_needs_ties
                                                          or n_grid_ties[i] > 0):
                s += chat_gain * (1.0 - s)
            s += social_capital_investment * (1.0 - s)
            s += sc_relax * (social_capital0[i] - s)
            social_capital[i] = min(1.0, max(0.0, s))


@njit(cache=True, parallel=True)
def update_volunteers(household, grid, capacity_today, used_today, social_capital, formal_today,
                      volunteer_today, motivation, motivation0, fatigue, motivation_gain,
                      crowd_out, motivation_relax, burnout_threshold, burnout_rate,
                      fatigue_recovery):
    """With use u = used / capacity, formal share f = department deliveries
    / (department + volunteer deliveries) in the volunteer's grid today, and
    recent use r = min(1, fatigue) (yesterday's fatigue: an exponentially
    decaying sum of past use):
        m += motivation_gain * u * s * (1 - m) - crowd_out * (1 - u) * f * r * m
             + motivation_relax * (m0 - m)
    (growth with use and social capital s; crowding out of a volunteer who
    had been helping and is left idle while departments serve the grid; pull
    back to the baseline). Fatigue then accumulates u and decays by
    fatigue_recovery; above burnout_threshold, m falls by burnout_rate * m.
    m is kept in [0, 1].
    Writes motivation, fatigue.
    """
    for v in prange(household.shape[0]):
        h = household[v]
        g = grid[h]
        u = used_today[v] / capacity_today[v] if capacity_today[v] > 0.0 else 0.0
        formal = formal_today[g]
        both = formal + volunteer_today[g]
        f = formal / both if both > 0.0 else 0.0
        m = motivation[v]
        recent = min(1.0, fatigue[v])  # recent use: was the volunteer doing this work?
        m += (motivation_gain * u * social_capital[h] * (1.0 - m)
              - crowd_out * (1.0 - u) * f * recent * m)
        m += motivation_relax * (motivation0[v] - m)
        fat = fatigue[v] * (1.0 - fatigue_recovery) + u
        fatigue[v] = fat
        if fat > burnout_threshold:
            m -= burnout_rate * m
        motivation[v] = min(1.0, max(0.0, m))
