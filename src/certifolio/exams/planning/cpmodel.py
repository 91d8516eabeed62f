"""The CP-SAT model of a session: its variables, a complete hint from a plan, and back.

Bins are a jury's half-day (or a gap between its locked orals); each on-site (jury,
half-day) takes one room. The model is kept small by counting rather than choosing:

- a *plain* registration (its candidate's only one) is told apart from others only by
  its *type* (minutes, step-free need, remote), its valid juries and its unavailable
  half-days: interchangeable plain registrations form a class, and the model counts how
  many of a class each jury takes (``x[class, jury]``) and how many of a type each bin
  takes (``d[type, bin]``); the two meet per (type, jury), where Hall's condition on the
  unavailable half-days makes sure the jury's orals can be spread over its bins (a
  plain registration may take every bin of a valid jury that its type fits, outside its
  unavailable half-days);
- every other registration has a yes/no variable per bin it may take (``y[reg, bin]``).

So a session of a thousand plain orals needs thousands of variables, not a variable per
registration and bin.
"""

from collections import defaultdict

from .analysis import Analysis
from .layout import Assignment, close_windows
from .model import PlacedOral


class Built:
    def __init__(self, model):
        self.model = model
        self.classes: list[list[str]] = []  # interchangeable plain registrations
        self.class_type: list[tuple] = []
        self.class_away: list[frozenset] = []  # the class's unavailable half-days
        self.type_of: dict[str, tuple] = {}  # plain registration -> type
        self.class_of: dict[str, int] = {}
        self.x = {}  # (class, jury) -> how many of the class the jury takes
        self.d = {}  # (type, bin) -> how many of the type the bin takes
        self.y = {}  # (special registration, bin) -> it takes the bin
        self.z = {}  # ((jury, window), room group) -> the jury sits in a room of the group
        self.group_of: dict[int, tuple] = {}  # room -> its group (rooms alike for the plan)
        self.active = {}  # (jury, window) -> it holds an oral (1 when a locked one does)
        self.onsite = {}  # (jury, window) -> it holds an on-site oral
        self.day_used = {}
        self.most = None  # the most orals one juror sits
        self.keep_class = {}  # (class, bin) -> current orals of the class staying there
        self.keep_special = {}  # registration -> its current oral stays
        self.current_count = {}  # (class, bin) -> current orals of the class there
        self.current_room = {}  # (jury, window) -> room its current on-site orals use
        self.placed = None  # linear expressions of each stage's goal
        self.moved = None
        self.days = None
        self.half_days = None
        self.fixed_moved = 0  # current orals that must move whatever the plan


def _type(reg) -> tuple:
    return (reg.minutes, reg.needs_step_free, reg.remote)


def build(cp_model, analysis: Analysis, current: dict[str, PlacedOral]) -> Built:
    problem = analysis.problem
    model = cp_model.CpModel()
    built = Built(model)
    gap = problem.break_minutes
    registrations = {r.id: r for r in problem.registrations}
    juries = problem.juries
    windows = problem.windows
    per_candidate = defaultdict(int)
    for reg in problem.registrations:
        per_candidate[reg.candidate] += 1

    plain, special = defaultdict(list), []
    for reg_id in analysis.options:
        reg = registrations[reg_id]
        if per_candidate[reg.candidate] > 1:
            special.append(reg_id)
        else:
            plain[(_type(reg), tuple(sorted(reg.juries)), reg.unavailable)].append(reg_id)

    # items[bin] = (minutes, remote, step-free need, variable)
    items = defaultdict(list)
    type_bins = defaultdict(set)  # (type, jury) -> bins
    groups = defaultdict(list)  # (type, jury) -> (unavailable, x) of its classes
    for (kind, _juries, away), members in sorted(plain.items(), key=lambda kv: repr(kv[0])):
        c = len(built.classes)
        members.sort()
        built.classes.append(members)
        built.class_type.append(kind)
        built.class_away.append(away)
        for reg_id in members:
            built.class_of[reg_id] = c
            built.type_of[reg_id] = kind
        per_jury = defaultdict(list)
        for b in analysis.options[members[0]]:
            per_jury[analysis.bins[b].jury].append(b)
        for jury, bins in per_jury.items():
            built.x[(c, jury)] = model.new_int_var(0, len(members), f"x_{c}_{jury}")
            type_bins[(kind, jury)].update(bins)
            groups[(kind, jury)].append((away, built.x[(c, jury)]))
        model.add(sum(built.x[(c, j)] for j in per_jury) <= len(members))
    for (kind, jury), bins in type_bins.items():
        most = problem.max_orals_per_jury_per_day
        for b in sorted(bins):
            var = model.new_int_var(0, most, f"d_{kind}_{b}")
            built.d[(kind, b)] = var
            items[b].append((kind[0], kind[2], kind[1], var))
        model.add(
            sum(built.d[(kind, b)] for b in bins) == sum(x for _away, x in groups[(kind, jury)])
        )
        _unavailability(model, built, analysis, kind, sorted(bins), groups[(kind, jury)])
    for reg_id in sorted(special):
        reg = registrations[reg_id]
        for b in analysis.options[reg_id]:
            var = model.new_bool_var(f"y_{reg_id}_{b}")
            built.y[(reg_id, b)] = var
            items[b].append((reg.minutes, reg.remote, reg.needs_step_free, var))
        model.add(sum(built.y[(reg_id, b)] for b in analysis.options[reg_id]) <= 1)

    by_pair = defaultdict(list)
    for b in items:
        by_pair[(analysis.bins[b].jury, analysis.bins[b].window)].append(b)

    # A (jury, window) is active when it holds an oral; the bins' capacity is written
    # against it, which gives the solver its bound.
    for pair, bins in by_pair.items():
        fixed = pair in analysis.locked_pairs
        var = 1 if fixed else model.new_bool_var(f"active_{pair}")
        built.active[pair] = var
        for b in bins:
            bin_ = analysis.bins[b]
            model.add(
                sum((m + gap) * v for m, _r, _s, v in items[b])
                <= (bin_.end - bin_.start + gap) * var
            )
        if not fixed:
            model.add(sum(v for b in bins for *_rest, v in items[b]) >= var)

    days = sorted({w.day for w in windows})
    built.day_used = {day: model.new_bool_var(f"day_{day}") for day in days}
    _rooms(model, built, analysis, items, by_pair, current)

    # A juror sits on one jury per window (and windows closer than a break count as one).
    close = close_windows(analysis)
    pairs_of_juror = defaultdict(list)
    for (jury, window), var in built.active.items():
        if isinstance(var, int):
            model.add(built.day_used[windows[window].day] == 1)
            continue
        for member in juries[jury].members:
            pairs_of_juror[(member, window)].append(var)
        if not juries[jury].members:
            model.add_implication(var, built.day_used[windows[window].day])
    for (member, window), variables in pairs_of_juror.items():
        model.add(sum(variables) <= built.day_used[windows[window].day])
        for other in close.get(window, ()):
            if other > window and (member, other) in pairs_of_juror:
                model.add_at_most_one(variables + pairs_of_juror[(member, other)])

    # A candidate with several registrations has one oral per window.
    per_window = defaultdict(list)
    for (reg_id, b), var in built.y.items():
        per_window[(registrations[reg_id].candidate, analysis.bins[b].window)].append(var)
    for variables in per_window.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)

    # The daily maximum per jury, locked orals included.
    per_day = defaultdict(list)
    for (jury, window), bins in by_pair.items():
        per_day[(jury, windows[window].day)].extend(v for b in bins for *_r, v in items[b])
    for (jury, day), variables in per_day.items():
        left = problem.max_orals_per_jury_per_day - analysis.daily_locked.get((jury, day), 0)
        model.add(sum(variables) <= max(left, 0))

    _goals(model, built, analysis, items, current)
    return built


def _unavailability(model, built: Built, analysis: Analysis, kind, bins, groups) -> None:
    """A jury's orals of one type can be spread over its bins so that each candidate
    avoids his unavailable half-days exactly when (Hall's theorem) for every intersection
    I of the candidates' unavailable sets, those unavailable at least during I are no more
    than the places outside I."""
    windows = analysis.problem.windows
    sets = {away for away, _x in groups if away}
    closure = set(sets)
    while True:
        more = {a & b for a in closure for b in closure} - closure - {frozenset()}
        if not more:
            break
        closure |= more
    for common in closure:
        outside = [
            built.d[(kind, b)] for b in bins if windows[analysis.bins[b].window].key not in common
        ]
        model.add(sum(x for away, x in groups if common <= away) <= sum(outside))


def _rooms(model, built: Built, analysis: Analysis, items, by_pair, current) -> None:
    """One room per on-site (jury, window), one jury per room and window, the right room."""
    problem = analysis.problem
    gap = problem.break_minutes
    room_index = {r.id: i for i, r in enumerate(problem.rooms)}
    for oral in current.values():
        jury = analysis.jury_index.get(oral.jury)
        if jury is None or oral.room not in room_index:
            continue
        for window, w in enumerate(problem.windows):
            if w.day == oral.day and w.start <= oral.start and oral.end <= w.end:
                built.current_room[(jury, window)] = room_index[oral.room]
    # Rooms that seat the same juries and have the same access are interchangeable: the
    # model chooses a group per (jury, window), and rooms are given out afterwards.
    sizes = sorted({len(j.members) for j in problem.juries})
    for index, room in enumerate(problem.rooms):
        fits = tuple(size for size in sizes if room.capacity >= size + 1)
        built.group_of[index] = (room.step_free, fits)
    per_group = defaultdict(list)
    for pair, bins in by_pair.items():
        if pair in analysis.forced_rooms:
            continue  # the locked orals' room; options were filtered to fit it
        jury, window = pair
        on_site = [(b, item) for b in bins for item in items[b] if not item[1]]
        if not on_site:
            continue
        groups = sorted(
            {
                built.group_of[room]
                for room in analysis.jury_rooms[jury]
                if not analysis.room_held.get((window, room))
            }
        )
        z = {}
        for group in groups:
            z[group] = model.new_bool_var(f"z_{pair}_{group}")
            built.z[(pair, group)] = z[group]
            per_group[(window, group)].append(z[group])
        everyone = sum(len(items[b]) for b in bins)
        if len(on_site) == everyone and not isinstance(built.active[pair], int):
            sits = built.active[pair]
        else:
            sits = model.new_bool_var(f"onsite_{pair}")
            built.onsite[pair] = sits
            for b in bins:
                bin_ = analysis.bins[b]
                model.add(
                    sum((item[0] + gap) * item[3] for bb, item in on_site if bb == b)
                    <= (bin_.end - bin_.start + gap) * sits
                )
        model.add(sum(z.values()) == sits)
        step_free = [z[group] for group in groups if group[0]]
        needing = [item[3] for _b, item in on_site if item[2]]
        if needing:
            most = problem.max_orals_per_jury_per_day
            model.add(sum(needing) <= most * sum(step_free))
    for (window, group), variables in per_group.items():
        free = sum(
            1
            for room, of in built.group_of.items()
            if of == group and not analysis.room_held.get((window, room))
        )
        if len(variables) > free:
            model.add(sum(variables) <= free)


def _goals(model, built: Built, analysis: Analysis, items, current) -> None:
    """The expressions each stage optimises, and the variables they need."""
    problem = analysis.problem
    juries = problem.juries
    load = defaultdict(list)
    locked_load = defaultdict(int)
    for oral in analysis.locked.values():
        jury = analysis.jury_index.get(oral.jury)
        if jury is not None:
            for member in juries[jury].members:
                locked_load[member] += 1
    for b, entries in items.items():
        for member in juries[analysis.bins[b].jury].members:
            load[member].extend(v for *_r, v in entries)
    built.most = model.new_int_var(0, len(problem.registrations), "most")
    for member, variables in load.items():
        model.add(sum(variables) + locked_load[member] <= built.most)
    built.placed = sum(built.x.values()) + sum(built.y.values())
    built.days = sum(built.day_used.values())
    built.half_days = sum(v for v in built.active.values() if not isinstance(v, int))
    if current:
        _keep(model, built, analysis, current)


def current_bin(analysis: Analysis, oral: PlacedOral, options) -> int | None:
    jury = analysis.jury_index.get(oral.jury)
    for b in options:
        bin_ = analysis.bins[b]
        if (
            bin_.jury == jury
            and analysis.problem.windows[bin_.window].day == oral.day
            and bin_.start <= oral.start
            and oral.end <= bin_.end
        ):
            return b
    return None


def _keep(model, built: Built, analysis: Analysis, current) -> None:
    """Variables that count the orals of the plan in force staying where they are."""
    staying = []
    per_class = defaultdict(int)
    for reg_id, oral in current.items():
        b = current_bin(analysis, oral, analysis.options.get(reg_id, ()))
        if b is None:
            built.fixed_moved += 1
            continue
        pair = (analysis.bins[b].jury, analysis.bins[b].window)
        room = built.current_room.get(pair)
        room_var = None
        if oral.room is not None:
            if pair in analysis.forced_rooms:
                if room not in analysis.forced_rooms[pair]:
                    built.fixed_moved += 1
                    continue
            elif (pair, built.group_of.get(room)) in built.z and not analysis.room_held.get(
                (pair[1], room)
            ):
                room_var = built.z[(pair, built.group_of[room])]
            else:
                built.fixed_moved += 1
                continue
        if reg_id in built.class_of:
            per_class[(built.class_of[reg_id], b, oral.room is not None, room_var)] += 1
            continue
        var = model.new_bool_var(f"keep_{reg_id}")
        model.add_implication(var, built.y[(reg_id, b)])
        if room_var is not None:
            model.add_implication(var, room_var)
        built.keep_special[reg_id] = var
        staying.append(var)
    per_type_bin = defaultdict(list)
    per_class_jury = defaultdict(list)
    for (c, b, on_site, room_var), count in per_class.items():
        var = model.new_int_var(0, count, f"keep_{c}_{b}_{on_site}")
        built.keep_class[(c, b, on_site)] = var
        built.current_count[(c, b, on_site)] = count
        if room_var is not None:
            model.add(var <= count * room_var)
        per_type_bin[(built.class_type[c], b)].append(var)
        per_class_jury[(c, analysis.bins[b].jury)].append(var)
        staying.append(var)
    for key, variables in per_type_bin.items():
        model.add(sum(variables) <= built.d[key])
    for key, variables in per_class_jury.items():
        model.add(sum(variables) <= built.x[key])
    built.moved = len(current) - sum(staying)


def hint_values(built: Built, analysis: Analysis, assignment: Assignment, current) -> dict:
    """The value of every variable for a plan (the greedy one): a complete hint."""
    problem = analysis.problem
    registrations = {r.id: r for r in problem.registrations}
    values = {}
    x, d, y = defaultdict(int), defaultdict(int), set()
    pairs, onsite = set(), set()
    for reg_id, b in assignment.bins.items():
        bin_ = analysis.bins[b]
        pair = (bin_.jury, bin_.window)
        pairs.add(pair)
        reg = registrations[reg_id]
        if not reg.remote:
            onsite.add(pair)
        if reg_id in built.class_of:
            x[(built.class_of[reg_id], bin_.jury)] += 1
            d[(built.type_of[reg_id], b)] += 1
        else:
            y.add((reg_id, b))
    for key, var in built.x.items():
        values[var.index] = x.get(key, 0)
    for key, var in built.d.items():
        values[var.index] = d.get(key, 0)
    for key, var in built.y.items():
        values[var.index] = int(key in y)
    for pair, var in built.active.items():
        if not isinstance(var, int):
            values[var.index] = int(pair in pairs)
    for pair, var in built.onsite.items():
        values[var.index] = int(pair in onsite)
    for (pair, group), var in built.z.items():
        room = assignment.rooms.get(pair)
        values[var.index] = int(pair in onsite and built.group_of.get(room) == group)
    used_days = {problem.windows[w].day for (_j, w) in pairs} | {
        problem.windows[w].day for (_j, w) in analysis.locked_pairs
    }
    for day, var in built.day_used.items():
        values[var.index] = int(day in used_days)
    load = defaultdict(int)
    for oral in analysis.locked.values():
        jury = analysis.jury_index.get(oral.jury)
        if jury is not None:
            for member in problem.juries[jury].members:
                load[member] += 1
    for b in assignment.bins.values():
        for member in problem.juries[analysis.bins[b].jury].members:
            load[member] += 1
    values[built.most.index] = max(load.values(), default=0)
    stays = defaultdict(int)
    for reg_id, oral in current.items():
        b = assignment.bins.get(reg_id)
        if b is None or b != current_bin(analysis, oral, analysis.options.get(reg_id, ())):
            continue
        pair = (analysis.bins[b].jury, analysis.bins[b].window)
        same_room = oral.room is None or assignment.rooms.get(pair) == built.current_room.get(pair)
        if reg_id in built.keep_special:
            values[built.keep_special[reg_id].index] = int(same_room)
        elif same_room:
            stays[(built.class_of[reg_id], b, oral.room is not None)] += 1
    for key, var in built.keep_class.items():
        values[var.index] = min(stays.get(key, 0), built.current_count[key])
    return values


def assignment_from(built: Built, analysis: Analysis, value, current) -> Assignment:
    """The plan a solution describes; the orals that stay keep their bin."""
    assignment = Assignment()
    for (reg_id, b), var in built.y.items():
        if value(var):
            assignment.bins[reg_id] = b
    _give_rooms(built, analysis, value, assignment)
    for pair, rooms in analysis.forced_rooms.items():
        if len(rooms) == 1:
            assignment.rooms[pair] = next(iter(rooms))
    windows = analysis.problem.windows
    chosen = defaultdict(list)  # (type, jury) -> registrations it takes
    wanted = {}  # registration -> the bin of its current oral, when it stays
    taken = defaultdict(int)  # (class, jury) -> members chosen
    for (c, b, on_site), var in built.keep_class.items():
        left = value(var)
        for reg_id in built.classes[c]:
            oral = current.get(reg_id)
            if left and oral is not None and reg_id not in wanted:
                here = current_bin(analysis, oral, analysis.options[reg_id])
                if here == b and (oral.room is not None) == on_site:
                    wanted[reg_id] = b
                    jury = analysis.bins[b].jury
                    chosen[(built.class_type[c], jury)].append(reg_id)
                    taken[(c, jury)] += 1
                    left -= 1
    for (c, jury), var in sorted(built.x.items()):
        count = value(var) - taken[(c, jury)]
        jury_id = analysis.problem.juries[jury].id
        waiting = [r for r in built.classes[c] if r not in wanted]
        # Those already sitting with this jury first (fewer orals change).
        waiting.sort(key=lambda r: (getattr(current.get(r), "jury", None) != jury_id, r))
        for reg_id in waiting[:count]:
            wanted[reg_id] = None
            chosen[(built.class_type[c], jury)].append(reg_id)
    slots = defaultdict(list)  # (type, jury) -> bins, one entry per place
    for (kind, b), var in built.d.items():
        slots[(kind, analysis.bins[b].jury)].extend([b] * value(var))
    for key, reg_ids in chosen.items():
        away = {r: built.class_away[built.class_of[r]] for r in reg_ids}

        def allowed(reg_id, b, away=away):
            return windows[analysis.bins[b].window].key not in away[reg_id]

        matched = _match(reg_ids, slots[key], allowed, {r: wanted[r] for r in reg_ids})
        assignment.bins.update(matched)
    return assignment


def _give_rooms(built: Built, analysis: Analysis, value, assignment: Assignment) -> None:
    """Rooms of its chosen group to each (jury, window): its current room first."""
    wanting = defaultdict(list)  # (window, group) -> pairs
    for (pair, group), var in built.z.items():
        if value(var):
            wanting[(pair[1], group)].append(pair)
    for (window, group), pairs in wanting.items():
        free = [
            room
            for room, of in sorted(built.group_of.items())
            if of == group and not analysis.room_held.get((window, room))
        ]
        rest = []
        for pair in sorted(pairs):
            room = built.current_room.get(pair)
            if room in free:
                assignment.rooms[pair] = room
                free.remove(room)
            else:
                rest.append(pair)
        for pair in rest:
            assignment.rooms[pair] = free.pop(0)


def _match(reg_ids, places, allowed, wanted) -> dict:
    """Registrations onto places (bins, one entry per place) they are allowed, each kept
    on its wanted bin unless another needs it (augmenting paths: Hall holds)."""
    holder = [None] * len(places)
    of = {}
    for reg_id in reg_ids:
        b = wanted.get(reg_id)
        for i, place in enumerate(places):
            if b is not None and place == b and holder[i] is None:
                holder[i], of[reg_id] = reg_id, i
                break

    def augment(reg_id, seen) -> bool:
        # A free place first: another's is taken (and he moves) only when none is left.
        for i, place in enumerate(places):
            if holder[i] is None and allowed(reg_id, place):
                holder[i], of[reg_id] = reg_id, i
                return True
        for i, place in enumerate(places):
            if i in seen or not allowed(reg_id, place):
                continue
            seen.add(i)
            if augment(holder[i], seen):
                holder[i], of[reg_id] = reg_id, i
                return True
        return False

    for reg_id in sorted(reg_ids, key=lambda r: (r in of, r)):
        if reg_id not in of:
            augment(reg_id, set())
    return {reg_id: places[i] for reg_id, i in of.items()}
