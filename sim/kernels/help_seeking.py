"""Phase 4, help-seeking: households in need ask the platform, the chat group, their ties."""

from numba import njit, prange

from sim.rng import S_ASK_CHAT, S_ASK_NEIGHBOURS, S_ASK_PLATFORM, uniform

ASK_PLATFORM = 1
ASK_CHAT = 2
ASK_NEIGHBOURS = 4


@njit(cache=True, parallel=True)
def seek_help(grid, has_digital_access, need, trust, social_capital, telecom_d, platform_up,
              chat_groups, asked_today, t_request, p_platform, p_chat, p_neighbours, seed, day):
    """Each household in need asks through each channel with its own chance.

    Platform: smartphone, p_platform * trust * platform_up * telecom.
    Chat group: groups enabled, smartphone, p_chat * telecom.
    Neighbours: p_neighbours * social capital.
    Writes asked_today (bit mask) and t_request (first platform request).
    Returns the number of households asking their ties.
    """
    n_asking_ties = 0
    for i in prange(grid.shape[0]):
        a = 0
        if need[i] > 0.0:
            tel = telecom_d[grid[i]]
            if has_digital_access[i] and (uniform(seed, day, S_ASK_PLATFORM, i)
                                          < p_platform * trust[i] * platform_up * tel):
                a |= ASK_PLATFORM
            if chat_groups and has_digital_access[i] and (uniform(seed, day, S_ASK_CHAT, i)
                                                          < p_chat * tel):
                a |= ASK_CHAT
            if uniform(seed, day, S_ASK_NEIGHBOURS, i) < p_neighbours * social_capital[i]:
                a |= ASK_NEIGHBOURS
                n_asking_ties += 1
            if (a & ASK_PLATFORM) and t_request[i] < 0:
                t_request[i] = day
        asked_today[i] = a
    return n_asking_ties
