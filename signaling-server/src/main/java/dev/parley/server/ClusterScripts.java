package dev.parley.server;

/**
 * The Lua scripts that make each cluster operation one atomic Redis round trip. Keys (prefix
 * {@code parley:}): {@code epoch:<peer>} the fencing counter, {@code route:<peer>} = {@code <node>|<epoch>},
 * {@code watch:<peer>} the peer's watch set, {@code peers:<node>} who a node has bound, {@code alive:<node>}
 * the heartbeat (expires), {@code url:<node>} its public URL (expires with it), {@code nodes} every node, {@code inbox:<node>} a node's stream, {@code sweeper}
 * the lock of the one node that sweeps dead nodes, {@code held:<peer>} what a dead node had read for a parked
 * peer (see {@link #RESCUE}), {@code left:<peer>} (60 s) the binding a login elsewhere took
 * over and the client's delivery mark for it (for the sweep, if that node turns out dead). Inbox entries: {@code k} = r (relay), k (kick),
 * p (presence), e (relay error); each node reads its inbox through the consumer group {@code parley}, so the
 * group's last-delivered id is where the node had read to when it died.
 *
 * <p>Parking (docs/server.md § Resume on another node): a dead node's peers get the route
 * {@code ~|<epoch>} ({@code ~} is never a node id) for the resume grace, listed in the sorted set
 * {@code parked} by deadline; relays to them go to {@code park:<peer>}, a stream of at most {@link #PARK_CAP}
 * entries, and so do the relays the dead node had not read yet. The peer's next login (on any node) takes
 * the parked relays with its claim; when the grace runs out their senders get {@code peer_offline}.
 * {@code buried} (sorted set, by time) holds nodes swept in the last {@link #BURIED_MS}: a relay posted to one
 * of them through a route cached before the sweep is rescued the same way.
 * Scripts name keys they build (single-instance Redis, not Redis Cluster).
 */
final class ClusterScripts {
    private ClusterScripts() {}

    /** Parked relays one peer may have waiting; past it, senders get {@code recipient_busy}. */
    static final int PARK_CAP = 100;
    /**
     * Relays a dead node had read for one parked peer that are kept for its claim ({@code held:<peer>}, the
     * latest): the default outbound queue bound, the most a node holds for one connection beyond its socket.
     */
    static final int HELD_CAP = 1024;
    /** How long a swept node's inbox is still watched for relays sent through a cached route. */
    static final long BURIED_MS = 5_000;

    static final String PRELUDE = """
            local P, PARKED = 'parley:', '~'
            local function split(r) local n, e = string.match(r, '^(.*)|(%d+)$'); return n, e end
            local function post(node, ...) redis.call('XADD', P..'inbox:'..node, 'MAXLEN', '~', '100000', '*', ...) end
            local function alive(node) return redis.call('EXISTS', P..'alive:'..node) == 1 end
            local function fields(l) local t = {}; for i = 1, #l, 2 do t[l[i]] = l[i + 1] end; return t end
            local function now() local t = redis.call('TIME'); return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
            -- a relay error for the sender `to` on node rn (nobody to tell if that node is gone)
            local function tell(rn, to, ref, code, msg)
              if rn ~= PARKED and alive(rn) then post(rn, 'k', 'e', 'to', to, 'ref', ref, 'c', code, 'm', msg) end
            end
            -- stream ids ('<ms>-<seq>'): true if a is at or before b
            local function upto(a, b)
              local am, as = string.match(a, '^(%d+)-(%d+)$')
              local bm, bs = string.match(b, '^(%d+)-(%d+)$')
              am, bm = tonumber(am), tonumber(bm)
              if am ~= bm then return am < bm end
              return tonumber(as) <= tonumber(bs)
            end
            -- parks a stamped relay for `to`; false if its park is full
            local function park(to, f, ref, rn, m)
              local k = P..'park:'..to
              if redis.call('XLEN', k) >= PARK_CAP then return false end
              redis.call('XADD', k, '*', 'f', f, 'ref', ref, 'rn', rn, 'm', m)
              return true
            end
            -- keeps a relay the dead node sn had read (entry s of its inbox) for its parked peer `to`: the latest
            -- HELD_CAP only (what a node had not yet written to a socket is the tail of what it read for it)
            local function hold(to, f, ref, rn, m, sn, s)
              redis.call('XADD', P..'held:'..to, 'MAXLEN', 'HELD_CAP', '*', 'f', f, 'ref', ref, 'rn', rn, 'm', m, 'sn', sn, 's', s)
            end
            """.replace("PARK_CAP", Integer.toString(PARK_CAP)).replace("HELD_CAP", Integer.toString(HELD_CAP));

    /** How many of the last entries a dead node had read are looked at again (they may not have reached their peer). */
    static final int READ_WINDOW = 10_000;
    /** How long a login that moved a binding off a node remembers it ({@code left:<peer>}), for that node's sweep. */
    static final long LEFT_MS = 60_000;

    /**
     * A dead node's inbox. The relays after {@code readTo} (nil: all) it had not read: parked for peers in
     * their grace, forwarded to a peer's live node, else their senders hear peer_offline. And of the last
     * {@link #READ_WINDOW} it had read (read, so perhaps not yet written to the socket when it died), those
     * for the binding that died with it: for a peer parked now ({@code held[peer]} = its epoch), kept in
     * {@code held:<peer>} with their entry id, the latest {@link #HELD_CAP} (the claim drops those at or before
     * the client's mark); for a peer that logged in
     * elsewhere before the sweep ({@code left:<peer>} = node|epoch|mark|time), forwarded if after its mark and
     * sent before that login. Returns how many were rescued.
     */
    static final String RESCUE = """
            local function rescue(node, readTo, held)
              local k = P..'inbox:'..node
              local start = '-'
              if readTo then
                start = '(' .. readTo
                if held then
                  local back = redis.call('XREVRANGE', k, readTo, '-', 'COUNT', READ_WINDOW)
                  if #back > 0 then start = back[#back][1] end
                end
              end
              local n = 0
              for _, en in ipairs(redis.call('XRANGE', k, start, '+')) do
                local m = fields(en[2])
                if m.k == 'r' then
                  local r = redis.call('GET', P..'route:'..m.to)
                  local rn, e = nil, nil
                  if r then rn, e = split(r) end
                  local read = readTo and upto(en[1], readTo)
                  local go = not read
                  if read then
                    if rn == PARKED and held and held[m.to] == m.e then
                      hold(m.to, m.f, m.ref, m.rn, m.m, node, en[1])
                      n = n + 1
                    elseif rn and rn ~= PARKED and rn ~= node and alive(rn) then
                      local l = redis.call('GET', P..'left:'..m.to)
                      if l then
                        local ln, le, lm, lt = string.match(l, '^(.*)|(%d+)|(.*)|(%d+)$')
                        go = ln == node and le == m.e and (lm == '' or not upto(en[1], lm))
                            and tonumber(string.match(en[1], '^(%d+)')) <= tonumber(lt)
                      end
                    end
                  end
                  if go then
                    n = n + 1
                    if rn == PARKED then
                      if not park(m.to, m.f, m.ref, m.rn, m.m) then
                        tell(m.rn, m.f, m.ref, 'recipient_busy', 'the peer is away and too many messages wait for it; retry later')
                      end
                    elseif rn and rn ~= node and alive(rn) then
                      post(rn, 'k', 'r', 'to', m.to, 'e', e, 'f', m.f, 'ref', m.ref, 'rn', m.rn, 'h', '1', 'm', m.m)
                    else
                      tell(m.rn, m.f, m.ref, 'peer_offline', 'peer is offline')
                    end
                  end
                end
              end
              return n
            end
            -- whether the node has an inbox, and the last entry it had read of it (nil: none)
            local function readpos(node)
              local g = redis.pcall('XINFO', 'GROUPS', P..'inbox:'..node)
              if g.err then return false, nil end
              for _, x in ipairs(g) do
                local t = fields(x)
                if t.name == 'parley' and t['last-delivered-id'] ~= '0-0' then return true, t['last-delivered-id'] end
              end
              return true, nil
            end
            """.replace("READ_WINDOW", Integer.toString(READ_WINDOW));

    /**
     * ARGV: peer, me, mark node, mark entry id (the client's last delivery mark, '' '' for none). A new epoch;
     * the route is ours; an older binding elsewhere is kicked and remembered in {@code left:<peer>} (for the
     * sweep, should that node be dead); a parked peer takes its parked relays, less those its dead node had
     * delivered up to the client's mark. -> {epoch, moved (0 no, 1 from another node, 2 from a park), watch
     * count, watch..., then per parked relay (oldest first): from, ref, reply node, stamped text}
     */
    static final String CLAIM = PRELUDE + """
            local id, me, mn, mid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            local e = redis.call('INCR', P..'epoch:'..id)
            local old = redis.call('GET', P..'route:'..id)
            redis.call('SET', P..'route:'..id, me..'|'..e)
            redis.call('SADD', P..'peers:'..me, id)
            if old then
              local on, oe = split(old)
              if on and on ~= me then
                local out = {e, 1}
                if on == PARKED then
                  out[2] = 2
                  redis.call('ZREM', P..'parked', id)
                else
                  if alive(on) then post(on, 'k', 'k', 'to', id, 'e', tostring(e - 1)) end
                  local lm = ''
                  if mn == on then lm = mid end
                  redis.call('SET', P..'left:'..id, on..'|'..oe..'|'..lm..'|'..now(), 'PX', 'LEFT_MS')
                end
                local ws = redis.call('SMEMBERS', P..'watch:'..id)
                out[3] = #ws
                for _, w in ipairs(ws) do out[#out + 1] = w end
                if on == PARKED then
                  -- first what the dead node had read for it, after the client's mark; then what it had not
                  for _, en in ipairs(redis.call('XRANGE', P..'held:'..id, '-', '+')) do
                    local m = fields(en[2])
                    if not (m.sn == mn and mid ~= '' and upto(m.s, mid)) then
                      out[#out + 1] = m.f; out[#out + 1] = m.ref; out[#out + 1] = m.rn; out[#out + 1] = m.m
                    end
                  end
                  for _, en in ipairs(redis.call('XRANGE', P..'park:'..id, '-', '+')) do
                    local m = fields(en[2])
                    out[#out + 1] = m.f; out[#out + 1] = m.ref; out[#out + 1] = m.rn; out[#out + 1] = m.m
                  end
                  redis.call('DEL', P..'park:'..id, P..'held:'..id)
                end
                return out
              end
            end
            return {e, 0, 0}
            """.replace("LEFT_MS", Long.toString(LEFT_MS));

    /**
     * ARGV: to, me, from, ref, text, hops, reply node. Hands the stamped text to the node holding {@code to}'s route.
     * -> {1, node, epoch} posted, {0} no route, {2, epoch} the route is here (deliver locally), {3} parked
     * (the peer's node died; it may resume elsewhere), {4} its park is full. A node whose heartbeat has
     * expired but that is not swept yet still gets the post: the sweep rescues what it did not read.
     */
    static final String RELAY = PRELUDE + """
            local r = redis.call('GET', P..'route:'..ARGV[1])
            if not r then return {0} end
            local n, e = split(r)
            if n == ARGV[2] then return {2, tonumber(e)} end
            if n == PARKED then
              if park(ARGV[1], ARGV[3], ARGV[4], ARGV[7], ARGV[5]) then return {3} end
              return {4}
            end
            post(n, 'k', 'r', 'to', ARGV[1], 'e', e, 'f', ARGV[3], 'ref', ARGV[4], 'rn', ARGV[7], 'h', ARGV[6], 'm', ARGV[5])
            return {1, n, tonumber(e)}
            """;

    /** ARGV: about, online (1/0), me, to... Tells the nodes of each {@code to} (not this one). */
    static final String PRESENCE = PRELUDE + """
            for i = 4, #ARGV do
              local r = redis.call('GET', P..'route:'..ARGV[i])
              if r then
                local n = split(r)
                if n ~= ARGV[3] and n ~= PARKED then post(n, 'k', 'p', 'to', ARGV[i], 'a', ARGV[1], 'o', ARGV[2]) end
              end
            end
            return 1
            """;

    /**
     * ARGV: peer, me, epoch, count, watch (count entries)..., remote... Stores the watch set (if the route is
     * still ours) and answers which remote peers are bound elsewhere and watch the peer.
     */
    static final String WATCH = PRELUDE + """
            local id, me, e, n = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
            if redis.call('GET', P..'route:'..id) == me..'|'..e then
              redis.call('DEL', P..'watch:'..id)
              for i = 5, 4 + n do redis.call('SADD', P..'watch:'..id, ARGV[i]) end
            end
            local out = {}
            for i = 5 + n, #ARGV do
              local x = ARGV[i]
              local r = redis.call('GET', P..'route:'..x)
              if r then
                local xn = split(r)
                if xn ~= me and alive(xn) and redis.call('SISMEMBER', P..'watch:'..x, id) == 1 then out[#out + 1] = x end
              end
            end
            return out
            """;

    /** ARGV: peer, me, epoch. The binding ended here: route and watch set go, watchers elsewhere hear offline. */
    static final String END = PRELUDE + """
            local id, me = ARGV[1], ARGV[2]
            if redis.call('GET', P..'route:'..id) ~= me..'|'..ARGV[3] then return 0 end
            redis.call('DEL', P..'route:'..id)
            redis.call('SREM', P..'peers:'..me, id)
            for _, x in ipairs(redis.call('SMEMBERS', P..'watch:'..id)) do
              local r = redis.call('GET', P..'route:'..x)
              if r then
                local xn = split(r)
                if xn ~= me and xn ~= PARKED then post(xn, 'k', 'p', 'to', x, 'a', id, 'o', '0') end
              end
            end
            redis.call('DEL', P..'watch:'..id)
            return 1
            """;

    /**
     * ARGV: me, then per binding: peer, epoch, count, watch (count entries)... Re-asserts this node's bindings
     * (after Redis lost them, or this node was swept). -> {peer, epoch...} of bindings superseded meanwhile.
     */
    static final String ASSERT = PRELUDE + """
            local me, i, out = ARGV[1], 2, {}
            while i <= #ARGV do
              local id, e, n = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
              local cur = tonumber(redis.call('GET', P..'epoch:'..id) or '0')
              local r = redis.call('GET', P..'route:'..id)
              local re = 0
              if r then local _, x = split(r); re = tonumber(x) end
              if r and r ~= me..'|'..e and re > e then
                out[#out + 1] = id
                out[#out + 1] = re - 1
              else
                if cur < e then redis.call('SET', P..'epoch:'..id, e) end
                if r and split(r) == PARKED then
                  -- this node was swept while cut off, and is back: what was parked for the binding is its own
                  for _, en in ipairs(redis.call('XRANGE', P..'park:'..id, '-', '+')) do
                    local m = fields(en[2])
                    post(me, 'k', 'r', 'to', id, 'e', tostring(e), 'f', m.f, 'ref', m.ref, 'rn', m.rn, 'h', '1', 'm', m.m)
                  end
                  -- what it had read itself before it was swept it delivered, or will: not again
                  redis.call('DEL', P..'park:'..id, P..'held:'..id)
                  redis.call('ZREM', P..'parked', id)
                end
                redis.call('SET', P..'route:'..id, me..'|'..e)
                redis.call('SADD', P..'peers:'..me, id)
                redis.call('DEL', P..'watch:'..id)
                for j = i + 3, i + 2 + n do redis.call('SADD', P..'watch:'..id, ARGV[j]) end
              end
              i = i + 3 + n
            end
            return out
            """;

    /**
     * ARGV: me, ttl ms, public URL ('' for none). -> {1 if this node's heartbeat was still there (0: expired,
     * swept, or Redis lost it), then the public URLs of the other live nodes that have one}. A URL lives
     * as long as its node's heartbeat ({@code url:<node>}, same expiry).
     */
    static final String HEARTBEAT = PRELUDE + """
            local me = ARGV[1]
            local had = redis.call('EXISTS', P..'alive:'..me)
            redis.call('SET', P..'alive:'..me, '1', 'PX', ARGV[2])
            if ARGV[3] ~= '' then redis.call('SET', P..'url:'..me, ARGV[3], 'PX', ARGV[2]) else redis.call('DEL', P..'url:'..me) end
            redis.call('SADD', P..'nodes', me)
            redis.call('ZREM', P..'buried', me)
            local out = {had}
            for _, n in ipairs(redis.call('SMEMBERS', P..'nodes')) do
              if n ~= me and alive(n) then
                local u = redis.call('GET', P..'url:'..n)
                if u then out[#out + 1] = u end
              end
            end
            return out
            """;

    /**
     * ARGV: me, lock ms, resume grace ms. Only the holder of the sweeper lock sweeps. Every node whose
     * heartbeat expired loses its routes: its peers are parked for the grace (watch sets kept, watchers on
     * live nodes hear offline), and the relays it had not read are rescued. Relays posted to nodes buried
     * in the last {@link #BURIED_MS} are rescued too; parks whose grace ran out end, and their senders hear
     * peer_offline. -> {nodes swept, relays rescued}
     */
    static final String SWEEP = PRELUDE + RESCUE + """
            local me, grace = ARGV[1], tonumber(ARGV[3])
            local holder = redis.call('GET', P..'sweeper')
            if holder and holder ~= me then return {-1, 0} end
            redis.call('SET', P..'sweeper', me, 'PX', ARGV[2])
            local t, swept, rescued = now(), 0, 0
            for _, dead in ipairs(redis.call('SMEMBERS', P..'nodes')) do
              if not alive(dead) then
                local held = {}
                for _, id in ipairs(redis.call('SMEMBERS', P..'peers:'..dead)) do
                  local r = redis.call('GET', P..'route:'..id)
                  if r and split(r) == dead then
                    local _, e = split(r)
                    held[id] = e
                    redis.call('SET', P..'route:'..id, PARKED..'|'..e)
                    redis.call('ZADD', P..'parked', t + grace, id)
                    for _, x in ipairs(redis.call('SMEMBERS', P..'watch:'..id)) do
                      local xr = redis.call('GET', P..'route:'..x)
                      if xr then
                        local xn = split(xr)
                        if xn ~= dead and xn ~= PARKED and alive(xn) then post(xn, 'k', 'p', 'to', x, 'a', id, 'o', '0') end
                      end
                    end
                  end
                end
                local has, readTo = readpos(dead)
                if has then rescued = rescued + rescue(dead, readTo, held) end
                redis.call('DEL', P..'peers:'..dead, P..'inbox:'..dead)
                redis.call('SREM', P..'nodes', dead)
                redis.call('ZADD', P..'buried', t, dead)
                swept = swept + 1
              end
            end
            redis.call('ZREMRANGEBYSCORE', P..'buried', '-inf', t - BURIED_MS)
            for _, b in ipairs(redis.call('ZRANGE', P..'buried', 0, -1)) do
              local has, readTo = readpos(b)
              if has then
                rescued = rescued + rescue(b, readTo, nil)
                redis.call('DEL', P..'inbox:'..b)
              end
            end
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', P..'parked', '-inf', t)) do
              local r = redis.call('GET', P..'route:'..id)
              if r and split(r) == PARKED then redis.call('DEL', P..'route:'..id, P..'watch:'..id) end
              for _, en in ipairs(redis.call('XRANGE', P..'park:'..id, '-', '+')) do
                local m = fields(en[2])
                tell(m.rn, m.f, m.ref, 'peer_offline', 'peer did not come back within its resume grace')
              end
              -- the relays its node had read are not answered: each may have reached it before the node died
              redis.call('DEL', P..'park:'..id, P..'held:'..id)
              redis.call('ZREM', P..'parked', id)
            end
            return {swept, rescued}
            """.replace("BURIED_MS", Long.toString(BURIED_MS));

}
