package dev.parley.server;

/**
 * The Lua scripts that make each cluster operation one atomic Redis round trip. Keys (prefix
 * {@code parley:}): {@code epoch:<peer>} the fencing counter, {@code route:<peer>} = {@code <node>|<epoch>},
 * {@code watch:<peer>} the peer's watch set, {@code peers:<node>} who a node has bound, {@code alive:<node>}
 * the heartbeat (expires), {@code nodes} every node, {@code inbox:<node>} a node's stream, {@code sweeper}
 * the lock of the one node that sweeps dead nodes. Inbox entries: {@code k} = r (relay), k (kick),
 * p (presence), e (relay error). Scripts name keys they build (single-instance Redis, not Redis Cluster).
 */
final class ClusterScripts {
    private ClusterScripts() {}

    static final String PRELUDE = """
            local P = 'parley:'
            local function split(r) local n, e = string.match(r, '^(.*)|(%d+)$'); return n, e end
            local function post(node, ...) redis.call('XADD', P..'inbox:'..node, 'MAXLEN', '~', '100000', '*', ...) end
            local function alive(node) return redis.call('EXISTS', P..'alive:'..node) == 1 end
            """;

    /** ARGV: peer, me. A new epoch; the route is ours; an older binding elsewhere is kicked. -> {epoch, moved, watch...} */
    static final String CLAIM = PRELUDE + """
            local id, me = ARGV[1], ARGV[2]
            local e = redis.call('INCR', P..'epoch:'..id)
            local old = redis.call('GET', P..'route:'..id)
            redis.call('SET', P..'route:'..id, me..'|'..e)
            redis.call('SADD', P..'peers:'..me, id)
            if old then
              local on = split(old)
              if on and on ~= me then
                if alive(on) then post(on, 'k', 'k', 'to', id, 'e', tostring(e - 1)) end
                local out = {e, 1}
                for _, w in ipairs(redis.call('SMEMBERS', P..'watch:'..id)) do out[#out + 1] = w end
                return out
              end
            end
            return {e, 0}
            """;

    /**
     * ARGV: to, me, from, ref, text, hops, reply node. Hands the stamped text to the node holding {@code to}'s route.
     * -> {1, node, epoch} posted, {0} no route, {-1} its node is dead, {2, epoch} the route is here (deliver locally).
     */
    static final String RELAY = PRELUDE + """
            local r = redis.call('GET', P..'route:'..ARGV[1])
            if not r then return {0} end
            local n, e = split(r)
            if n == ARGV[2] then return {2, tonumber(e)} end
            if not alive(n) then return {-1} end
            post(n, 'k', 'r', 'to', ARGV[1], 'e', e, 'f', ARGV[3], 'ref', ARGV[4], 'rn', ARGV[7], 'h', ARGV[6], 'm', ARGV[5])
            return {1, n, tonumber(e)}
            """;

    /** ARGV: about, online (1/0), me, to... Tells the nodes of each {@code to} (not this one). */
    static final String PRESENCE = PRELUDE + """
            for i = 4, #ARGV do
              local r = redis.call('GET', P..'route:'..ARGV[i])
              if r then
                local n = split(r)
                if n ~= ARGV[3] then post(n, 'k', 'p', 'to', ARGV[i], 'a', ARGV[1], 'o', ARGV[2]) end
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
                if xn ~= me then post(xn, 'k', 'p', 'to', x, 'a', id, 'o', '0') end
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
                redis.call('SET', P..'route:'..id, me..'|'..e)
                redis.call('SADD', P..'peers:'..me, id)
                redis.call('DEL', P..'watch:'..id)
                for j = i + 3, i + 2 + n do redis.call('SADD', P..'watch:'..id, ARGV[j]) end
              end
              i = i + 3 + n
            end
            return out
            """;

    /** ARGV: me, ttl ms. -> 1 if this node's heartbeat was still there (0: expired, swept, or Redis lost it). */
    static final String HEARTBEAT = PRELUDE + """
            local had = redis.call('EXISTS', P..'alive:'..ARGV[1])
            redis.call('SET', P..'alive:'..ARGV[1], '1', 'PX', ARGV[2])
            redis.call('SADD', P..'nodes', ARGV[1])
            return had
            """;

    /**
     * ARGV: me, lock ms. Only the holder of the sweeper lock sweeps: every node whose heartbeat expired
     * loses its routes, and the watchers of its peers on live nodes hear offline. -> nodes swept.
     */
    static final String SWEEP = PRELUDE + """
            local me = ARGV[1]
            local holder = redis.call('GET', P..'sweeper')
            if holder and holder ~= me then return -1 end
            redis.call('SET', P..'sweeper', me, 'PX', ARGV[2])
            local swept = 0
            for _, dead in ipairs(redis.call('SMEMBERS', P..'nodes')) do
              if not alive(dead) then
                for _, id in ipairs(redis.call('SMEMBERS', P..'peers:'..dead)) do
                  local r = redis.call('GET', P..'route:'..id)
                  if r and split(r) == dead then
                    redis.call('DEL', P..'route:'..id)
                    for _, x in ipairs(redis.call('SMEMBERS', P..'watch:'..id)) do
                      local xr = redis.call('GET', P..'route:'..x)
                      if xr then
                        local xn = split(xr)
                        if xn ~= dead and alive(xn) then post(xn, 'k', 'p', 'to', x, 'a', id, 'o', '0') end
                      end
                    end
                    redis.call('DEL', P..'watch:'..id)
                  end
                end
                redis.call('DEL', P..'peers:'..dead, P..'inbox:'..dead)
                redis.call('SREM', P..'nodes', dead)
                swept = swept + 1
              end
            end
            return swept
            """;
}
