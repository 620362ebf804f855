-- Many calls at once, without blocking: each call runs in a coroutine of its
-- own, which yields to this queue where a blocking call would send, sleep or
-- wait for a token. `poll(timeout)` advances everything (timeout 0 never
-- blocks) and hands back the calls that finished. A client sends through the
-- queue's `io` when `queue.current()` is one of its queues, so any function of
-- a client, even one making several requests (contacts.patch), runs here unchanged.
local core = require "sakari.core"
local errors = require "sakari.errors"
local util = require "sakari.util"

local M = {}

local owner = setmetatable({}, { __mode = "k" }) -- coroutine -> queue running it

-- The queue running the current coroutine, or nil outside any queue.
function M.current()
  return owner[coroutine.running()] -- Lua 5.1 gives nil outside a coroutine: owner[nil] is nil
end

-- What a call does instead of blocking, when it runs inside a queue.
local io = {
  send = function(request)
    local q = owner[coroutine.running()]
    -- a pause a 429 started holds every send of the queue (it may grow meanwhile)
    while core.now() < q.pause_until do coroutine.yield("sleep", q.pause_until - core.now()) end
    return coroutine.yield("send", request)
  end,
  sleep = function(seconds) coroutine.yield("sleep", seconds) end,
  -- the server said "slow down" (429): no call of this queue sends for that long
  throttle = function(seconds)
    local q = owner[coroutine.running()]
    q.pause_until = math.max(q.pause_until, core.now() + seconds)
  end,
  wait = function() coroutine.yield("wait") end,
  -- whether a coroutine is still a live call of some queue (not finished, not closed)
  alive = function(co) return owner[co] ~= nil and not owner[co].closed end,
}

-- Stands in for core.multi under a custom transport without multi: its calls
-- use the blocking io and end inside push, so nothing is ever added or polled.
function M.serial()
  return { pending = function() return 0 end, close = function() end }
end

local Queue = {}
Queue.__index = Queue

-- multi: a core.multi; concurrency: calls running at once (sending, sleeping
-- between retries or waiting for a token all count).
function M.new(multi, concurrency)
  return setmetatable({
    multi = multi,
    concurrency = concurrency,
    io = io,
    running = 0,
    next_id = 0,
    backlog = {}, backlog_first = 1, backlog_last = 0,
    sending = {}, -- multi transfer id -> task
    timers = {},  -- tasks sleeping until .wake_at
    waiting = {}, -- tasks waiting for another call's token fetch
    finished = {},
    pause_until = 0,
  }, Queue)
end

-- rest: the values a call returned after its first (a list's pagination).
local function finish(self, task, value, err, rest)
  owner[task.co] = nil
  self.running = self.running - 1
  if task.callback then
    -- a raising callback must not strand the results after it: raised after this push or poll
    local ok, why = pcall(task.callback, task.id, value, err, rest)
    if not ok and self.callback_error == nil then self.callback_error = why end
  else
    self.finished[#self.finished + 1] = { id = task.id, value = value, err = err, rest = rest }
  end
end

local function raise_callback_error(self)
  local why = self.callback_error
  self.callback_error = nil
  if why ~= nil then error(why, 0) end
end

-- Plain Lua 5.1 cannot suspend a coroutine inside a pcall, a metamethod or a
-- for-in iterator: a queued call that sends from there dies before sending.
local NO_YIELD = "attempt to yield across metamethod/C-call boundary"
local function explain(message)
  if type(message) ~= "string" or not message:find(NO_YIELD, 1, true) then return message end
  return "sakari: Lua 5.1 cannot suspend a batch or queue call that sends from inside a pcall,"
    .. " a metamethod or a for-in loop (such as `for c in client.contacts.each(...)`);"
    .. " call the iterator directly (`local it = client.contacts.each(...) while true do"
    .. " local c = it() ...`), or use LuaJIT or Lua 5.2+"
end

-- Runs a task until it yields or ends. An error before its first yield (`first`)
-- is a bad argument, nothing sent: raised to push's caller when it runs inside push
-- (`raise`), else the call's err "argument", without a position inside the library.
local function resume(self, task, first, raise, ...)
  local ok, op, a, b = coroutine.resume(task.co, ...)
  if not ok then
    op = explain(op)
    if raise then
      owner[task.co] = nil
      self.running = self.running - 1
      error(op, 0)
    end
    local message = tostring(first and util.strip_position(op) or op)
    return finish(self, task, nil, errors.new { code = first and "argument" or "error", message = message })
  end
  if coroutine.status(task.co) == "dead" then return finish(self, task, op, a, b) end
  if op == "send" then
    local added, id = pcall(self.multi.add, self.multi, a)
    if not added then return resume(self, task, false, false, { kind = "error", reason = tostring(id) }) end
    self.sending[id] = task
  elseif op == "sleep" then
    task.wake_at = core.now() + a
    self.timers[#self.timers + 1] = task
  elseif op == "wait" then
    self.waiting[#self.waiting + 1] = task
  else
    local message = "sakari: unexpected yield inside a queued call: " .. tostring(op)
    finish(self, task, nil, errors.new { code = "error", message = message })
  end
end

local function start(self, task, raise)
  self.running = self.running + 1
  task.co, task.fn = coroutine.create(task.fn), nil
  owner[task.co] = self
  resume(self, task, true, raise)
end

-- Queues fn (making client calls; it returns value, err, rest), started if a slot
-- is free; callback(id, value, err, rest), if given, gets the result instead of
-- poll. A bad argument raises here, unless `soft` (then it is the call's err).
function Queue:push(fn, callback, soft)
  self.next_id = self.next_id + 1
  local task = { id = self.next_id, fn = fn, callback = callback }
  if self.running < self.concurrency then
    start(self, task, not soft)
    raise_callback_error(self)
  else
    self.backlog_last = self.backlog_last + 1
    self.backlog[self.backlog_last] = task
  end
  return task.id -- the call's id
end

-- Calls not finished yet: queued, running, sleeping or in flight.
function Queue:pending()
  return self.running + (self.backlog_last - self.backlog_first + 1)
end

-- One step of everything, then the calls that finished since the last poll.
function Queue:poll(timeout)
  local now = core.now()
  local timers = self.timers
  self.timers = {}
  for _, task in ipairs(timers) do
    if task.wake_at > now then
      self.timers[#self.timers + 1] = task
    else
      resume(self, task, false, false)
    end
  end

  while self.running < self.concurrency and self.backlog_first <= self.backlog_last do
    local task = self.backlog[self.backlog_first]
    self.backlog[self.backlog_first] = nil
    self.backlog_first = self.backlog_first + 1
    start(self, task, false)
  end

  -- wait no longer than the caller allows, nor past the next wake-up
  local wait = timeout or 0
  for _, task in ipairs(self.timers) do wait = math.min(wait, task.wake_at - now) end
  wait = math.max(wait, 0)

  -- the multi waits too when nothing is in flight: an nginx transport's
  -- multi with ngx.sleep, so calls between retries never hold the worker
  if self.multi:pending() > 0 or (wait > 0 and self.running > 0) then
    for _, r in ipairs(self.multi:poll(wait)) do
      local task = self.sending[r.id]
      self.sending[r.id] = nil
      resume(self, task, false, false, r)
    end
  end

  -- a send finished, so a token fetch may have: let the waiters look again
  local waiting = self.waiting
  self.waiting = {}
  for _, task in ipairs(waiting) do resume(self, task, false, false) end

  raise_callback_error(self)
  local finished = self.finished
  self.finished = {}
  return finished
end

-- Runs the calls next_call() returns (nil at the end) with the queue full but never
-- fuller, so any number streams through in constant memory. make(call) -> fn, or
-- nil, why: a malformed call fails alone, unsent, with err.code "argument" (one bad
-- row of a bulk run must not strand those in flight). deliver(i, value, err, rest)
-- gets call i's result (id i on a queue of its own). The queue is closed at the
-- end, also when deliver raises (raised again).
function Queue:batch(next_call, make, deliver)
  local exhausted = false
  local ok, failure = pcall(function()
    repeat
      while not exhausted and self:pending() < self.concurrency do
        local call = next_call()
        if call == nil then
          exhausted = true
        else
          local fn, why = make(call)
          -- a malformed call fails as one that raises before it sends
          self:push(fn or function() error(why, 0) end, deliver, true)
        end
      end
      if self:pending() > 0 then self:poll(1) end
    until exhausted and self:pending() == 0
  end)
  self:close()
  if not ok then error(failure, 0) end
end

-- Frees the handles; calls not finished are dropped, and stop counting as
-- live (a token fetch one of them was making no longer holds the others).
function Queue:close()
  self.closed = true
  self.multi:close()
end

return M
