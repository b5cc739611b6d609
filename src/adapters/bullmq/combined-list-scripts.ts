/**
 * The order index of the combined list, kept in Redis beside the BullMQ jobs. Per service queue:
 *   <base>:entries  HASH  requestId -> JSON {r,q,k,p,a,d,o,h} (numbers as strings, so no precision is lost)
 *   <base>:due      ZSET  waiting entries, score = service order (priority band, then arrival ms)
 *   <base>:sched    ZSET  scheduled entries, score = due time (ms)
 *   <base>:taken    ZSET  entries held by a dispatcher, score = service order
 * Ties of the order score are broken by member (the request id), as Redis sorts equal scores
 * lexicographically: exactly `compareByServiceOrder`.
 *
 * Every script first promotes scheduled entries whose time has come, so what a script sees is
 * exact at the `now` it is given, whether or not the BullMQ timer has fired yet.
 */

const COMMON = `
local function order(v)
  return v.p .. string.rep('0', 13 - #v.a) .. v.a
end
local function promote(e, due, sched, now)
  local ids = redis.call('ZRANGEBYSCORE', sched, '-inf', now)
  for _, id in ipairs(ids) do
    redis.call('ZREM', sched, id)
    local raw = redis.call('HGET', e, id)
    if raw then redis.call('ZADD', due, order(cjson.decode(raw)), id) end
  end
  return #ids
end
local function place(e, due, sched, id, v, now)
  if tonumber(v.d) <= tonumber(now) then
    redis.call('ZREM', sched, id)
    redis.call('ZADD', due, order(v), id)
  else
    redis.call('ZREM', due, id)
    redis.call('ZADD', sched, v.d, id)
  end
end
`;

/**
 * KEYS: entries, due, sched. ARGV: id, json, now. Adds the entry unless present already; returns
 * its 1-based position among due entries after that, or 0 when it is not waiting.
 */
export const ADD = `${COMMON}
promote(KEYS[1], KEYS[2], KEYS[3], ARGV[3])
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  place(KEYS[1], KEYS[2], KEYS[3], ARGV[1], cjson.decode(ARGV[2]), ARGV[3])
end
local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
if rank then return rank + 1 end
return 0
`;

/**
 * KEYS: (entries, due, sched, taken) per queue. ARGV: now, holder, '1' to take or '0' to peek.
 * Returns the JSON of the best due entry across the queues, or nil.
 */
export const TAKE = `${COMMON}
local best, bestScore, bestQ = nil, nil, nil
for i = 0, #KEYS / 4 - 1 do
  promote(KEYS[i * 4 + 1], KEYS[i * 4 + 2], KEYS[i * 4 + 3], ARGV[1])
  local top = redis.call('ZRANGE', KEYS[i * 4 + 2], 0, 0, 'WITHSCORES')
  if top[1] then
    local s = tonumber(top[2])
    if best == nil or s < bestScore or (s == bestScore and top[1] < best) then
      best, bestScore, bestQ = top[1], s, i
    end
  end
end
if best == nil then return false end
local e = KEYS[bestQ * 4 + 1]
local raw = redis.call('HGET', e, best)
if ARGV[3] == '1' then
  local v = cjson.decode(raw)
  v.h = ARGV[2]
  raw = cjson.encode(v)
  redis.call('HSET', e, best, raw)
  redis.call('ZREM', KEYS[bestQ * 4 + 2], best)
  redis.call('ZADD', KEYS[bestQ * 4 + 4], order(v), best)
end
return raw
`;

/**
 * KEYS: entries, due, sched, taken. ARGV: id, now, dueMs or '', priority or '', mode.
 * mode 'requeue': only a taken entry goes back (arrival kept); 'update': only a waiting or
 * scheduled one changes. Returns 1 changed, 0 not in the expected state, -1 unknown entry.
 */
export const RESCHEDULE = `${COMMON}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return -1 end
local isTaken = redis.call('ZSCORE', KEYS[4], ARGV[1]) ~= false
if (ARGV[5] == 'requeue') ~= isTaken then return 0 end
local v = cjson.decode(raw)
if ARGV[4] ~= '' then v.p = ARGV[4] end
if ARGV[3] ~= '' then v.d = ARGV[3] elseif ARGV[5] == 'requeue' then v.d = ARGV[2] end
v.h = nil
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(v))
redis.call('ZREM', KEYS[4], ARGV[1])
place(KEYS[1], KEYS[2], KEYS[3], ARGV[1], v, ARGV[2])
return 1
`;

/** KEYS: entries, due, sched, taken. ARGV: id, '1' to remove it only while taken. Returns the removed JSON or nil. */
export const REMOVE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
if ARGV[2] == '1' and not redis.call('ZSCORE', KEYS[4], ARGV[1]) then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return raw
`;

/**
 * KEYS: entries, due, sched, taken. ARGV: now, id or ''.
 * With an id: {state, json} of that entry and its 1-based position among due entries (or nil).
 * Without: the whole queue in service order, as a flat list state, json, state, json, ...
 */
export const READ = `${COMMON}
promote(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
if ARGV[2] ~= '' then
  local raw = redis.call('HGET', KEYS[1], ARGV[2])
  if not raw then return false end
  local rank = redis.call('ZRANK', KEYS[2], ARGV[2])
  if rank then return {'waiting', raw, rank + 1} end
  if redis.call('ZSCORE', KEYS[4], ARGV[2]) then return {'taken', raw, 0} end
  return {'scheduled', raw, 0}
end
local out = {}
local function push(state, ids)
  for _, id in ipairs(ids) do
    local raw = redis.call('HGET', KEYS[1], id)
    if raw then
      out[#out + 1] = state
      out[#out + 1] = raw
    end
  end
end
push('waiting', redis.call('ZRANGE', KEYS[2], 0, -1))
push('scheduled', redis.call('ZRANGE', KEYS[3], 0, -1))
push('taken', redis.call('ZRANGE', KEYS[4], 0, -1))
return out
`;

/** KEYS: entries, due, sched. ARGV: now. Promotes due entries; returns how many moved. */
export const PROMOTE = `${COMMON}
return promote(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
`;
