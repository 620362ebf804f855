-- Many calls at once, without blocking: each call runs in a coroutine of its
-- own, and where a blocking call would send, sleep or wait for a token, the
-- coroutine yields to this queue instead. `poll(timeout)` advances everything
-- (timeout 0 never blocks) and hands back the calls that finished.
--
-- Calls reach the queue's I/O through `queue.current()`: the client asks it
-- whether the running coroutine belongs to a queue, and if so sends through
-- the queue's `io`, else through its own blocking session. So any function of
-- a client, even one that makes several requests (contacts.patch), runs here
-- unchanged.
local core = require "sakari.core"
local errors = require "sakari.errors"
local util = require "sakari.util"

local M = {}

local owner = setmetatable({}, { __mode = "k" }) -- coroutine -> queue running it

-- The queue running the current coroutine, or nil outside any queue.
function M.current()
  local co = coroutine.running()
  return co and owner[co]
end

-- What a call does instead of blocking, when it runs inside a queue.
local io = {
  send = function(request) return coroutine.yield("send", request) end,
  -- throttle: this pause is the server's "slow down" (429): it holds every call
  sleep = function(seconds, throttle) coroutine.yield("sleep", seconds, throttle) end,
  -- the server said "slow down" to a call that will not repeat: hold the others
  throttle = function(seconds) coroutine.yield("throttle", seconds) end,
  wait = function() coroutine.yield("wait") end,
  -- whether a coroutine is still a live call of some queue (not finished, not closed)
  alive = function(co) return owner[co] ~= nil end,
}

-- Stands in for core.multi when the calls do their I/O themselves (a custom
-- transport): nothing is ever in flight here.
function M.serial()
  return {
    add = function() error("sakari: this queue sends through its client's transport") end,
    pending = function() return 0 end,
    poll = function(_, wait)
      if wait > 0 then core.sleep(wait) end
      return {}
    end,
    close = function() end,
  }
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
    timers = {},  -- tasks sleeping, each with .wake_at
    held = {},    -- tasks with a request ready while the queue is throttled
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
    -- a raising callback must not strand the results after it: keep its error
    -- for the end of this push or poll
    local ok, why = pcall(task.callback, task.id, value, err, rest)
    if not ok and self.callback_error == nil then self.callback_error = why end
  else
    self.finished[#self.finished + 1] = { id = task.id, value = value, err = err, rest = rest }
  end
end

local function fail(self, task, message, code)
  -- a bad argument is the caller's: its message, without a position inside the library
  if code == "argument" then message = util.strip_position(message) end
  finish(self, task, nil, errors.new { code = code or "error", message = tostring(message) })
end

local function raise_callback_error(self)
  local why = self.callback_error
  if why ~= nil then
    self.callback_error = nil
    error(why, 0)
  end
end

-- Plain Lua 5.1 (not LuaJIT) cannot suspend a coroutine from inside a function
-- that C or the VM called: a pcall, a metamethod, the iterator of a generic
-- `for`. A queued call that sends from there dies before anything is sent;
-- say what happened and what works instead.
local NO_YIELD = "attempt to yield across metamethod/C-call boundary"
local function explain(message)
  if type(message) == "string" and message:find(NO_YIELD, 1, true) then
    return "sakari: Lua 5.1 cannot suspend a batch or queue call that sends from inside a pcall,"
      .. " a metamethod or a for-in loop (such as `for c in client.contacts.each(...)`);"
      .. " call the iterator directly (`local it = client.contacts.each(...) while true do"
      .. " local c = it() ...`), or use LuaJIT or Lua 5.2+"
  end
  return message
end

-- Runs a task until it yields or ends. `first` marks its first run: an error
-- raised before the first yield is a bad argument (nothing was sent), which
-- reaches the caller of push when it runs inside push (`raise`), and otherwise
-- becomes the call's err with code "argument".
local function resume(self, task, first, raise, ...)
  local ok, op, a, b = coroutine.resume(task.co, ...)
  if not ok then
    op = explain(op)
    if raise then
      owner[task.co] = nil
      self.running = self.running - 1
      error(op, 0)
    end
    return fail(self, task, op, first and "argument" or nil)
  end
  if coroutine.status(task.co) == "dead" then return finish(self, task, op, a, b) end
  if op == "send" then
    task.request = a
    if core.now() < self.pause_until then
      self.held[#self.held + 1] = task
    else
      self:transmit(task)
    end
  elseif op == "sleep" then
    local now = core.now()
    task.wake_at = now + a
    self.timers[#self.timers + 1] = task
    if b and task.wake_at > self.pause_until then self.pause_until = task.wake_at end
  elseif op == "throttle" then
    local until_ = core.now() + a
    if until_ > self.pause_until then self.pause_until = until_ end
    return resume(self, task, false, false)
  elseif op == "wait" then
    self.waiting[#self.waiting + 1] = task
  else
    fail(self, task, "sakari: unexpected yield inside a queued call: " .. tostring(op))
  end
end

function Queue:transmit(task)
  local ok, id = pcall(self.multi.add, self.multi, task.request)
  task.request = nil
  if not ok then return resume(self, task, false, false, { kind = "error", reason = tostring(id) }) end
  self.sending[id] = task
end

local function start(self, task, raise)
  self.running = self.running + 1
  task.co = coroutine.create(task.fn)
  task.fn = nil
  owner[task.co] = self
  resume(self, task, true, raise)
end

-- Queues fn (a function making client calls; it returns value, err, rest) and
-- starts it if a slot is free. callback(id, value, err, rest), if given,
-- receives the result instead of poll. A bad argument raises here, unless
-- `soft`: then it is the call's err. Returns the call's id.
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
  return task.id
end

-- Calls not finished yet: queued, running, sleeping or in flight.
function Queue:pending()
  return self.running + (self.backlog_last - self.backlog_first + 1)
end

-- Empties list in place (others hold it) and returns its items in order.
local function take(list)
  local items = {}
  for i = 1, #list do items[i], list[i] = list[i], nil end
  return items
end

-- One step of everything, then the calls that finished since the last poll.
function Queue:poll(timeout)
  timeout = timeout or 0
  local now = core.now()

  local due, later = {}, {}
  for _, task in ipairs(self.timers) do
    if task.wake_at <= now then due[#due + 1] = task else later[#later + 1] = task end
  end
  self.timers = later
  for _, task in ipairs(due) do resume(self, task, false, false) end

  if now >= self.pause_until and #self.held > 0 then
    for _, task in ipairs(take(self.held)) do self:transmit(task) end
  end

  while self.running < self.concurrency and self.backlog_first <= self.backlog_last do
    local task = self.backlog[self.backlog_first]
    self.backlog[self.backlog_first] = nil
    self.backlog_first = self.backlog_first + 1
    start(self, task, false)
  end

  -- wait no longer than the caller allows, nor past the next wake-up
  local wait = timeout
  for _, task in ipairs(self.timers) do
    if task.wake_at - now < wait then wait = task.wake_at - now end
  end
  if #self.held > 0 and self.pause_until - now < wait then wait = self.pause_until - now end
  if wait < 0 then wait = 0 end

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
  for _, task in ipairs(take(self.waiting)) do resume(self, task, false, false) end

  raise_callback_error(self)
  return take(self.finished)
end

-- Runs the calls next_call() returns (nil at the end) with the queue full but
-- never fuller, so any number of calls streams through in constant memory.
-- make(call) -> fn (a function making client calls), or nil, why for a call
-- that is malformed: that one fails alone with err.code "argument", before it
-- is sent, since in a bulk run one bad row must not strand the requests in
-- flight (a bad argument found when fn runs fails the same way).
-- deliver(i, value, err, rest) gets the i-th call's result. The queue
-- is closed at the end, also when deliver raises (the error is raised again).
function Queue:batch(next_call, make, deliver)
  local fed, exhausted = 0, false
  local ok, failure = pcall(function()
    repeat
      while not exhausted and self:pending() < self.concurrency do
        local call = next_call()
        if call == nil then
          exhausted = true
        else
          fed = fed + 1
          local i = fed
          local fn, why = make(call)
          if fn then
            self:push(fn, function(_, value, err, rest) deliver(i, value, err, rest) end, true)
          else
            deliver(i, nil, errors.new { code = "argument", message = why })
          end
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
  for co, q in pairs(owner) do
    if q == self then owner[co] = nil end
  end
  self.multi:close()
end

return M
