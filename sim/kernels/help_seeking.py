"""Phase 4, help-seeking: households in need ask the platform, the chat group, their ties."""

from numba import njit, prange

from sim.flags import ASK_CHAT, ASK_NEIGHBOURS, ASK_PLATFORM
from sim.rng import S_ASK_CHAT, S_ASK_NEIGHBOURS, S_ASK_PLATFORM, uniform


@njit(cache=True, parallel=True)
def seek_help(grid, has_digital_access, n_grid_ties, need, trust, social_capital, telecom,
              platform, chat_groups, asked_today, t_request, ask_platform, ask_chat,
              ask_neighbours, chat_thinning, chat_needs_ties, seed, day):
    """Each household in need asks through each channel with its own chance.

    Platform: smartphone, ask_platform * trust * platform * telecom.
    Chat group: groups enabled, a member (smartphone, and a tie in the grid
    unless chat_needs_ties is off), ask_chat * telecom * ((1 - chat_thinning)
    + chat_thinning * social capital): groups thin where ties are weak.
    Neighbours: ask_neighbours * social capital.
    asked_today is a bit mask (sim.flags ASK_*); t_request is the day of the
    first platform request still waiting. Returns the number of households
    asking their ties. Writes asked_today, t_request.
    """
    n_asking_ties = 0
    for i in prange(grid.shape[0]):
        a = 0
        if need[i] > 0.0:
            tel = telecom[grid[i]]
            if has_digital_access[i] and (uniform(seed, day, S_ASK_PLATFORM, i)
                                          < ask_platform * trust[i] * platform * tel):
                a |= ASK_PLATFORM
            member = has_digital_access[i] and (not chat_needs_ties or n_grid_ties[i] > 0)
            if chat_groups and member and (uniform(seed, day, S_ASK_CHAT, i) < ask_chat * tel
                                           * ((1.0 - chat_thinning)
                                              + chat_thinning * social_capital[i])):
                a |= ASK_CHAT
            if uniform(seed, day, S_ASK_NEIGHBOURS, i) < ask_neighbours * social_capital[i]:
                a |= ASK_NEIGHBOURS
                n_asking_ties += 1
            if (a & ASK_PLATFORM) and t_request[i] < 0:
                t_request[i] = day
        asked_today[i] = a
    return n_asking_ties
