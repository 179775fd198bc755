-- dirty.lua: enter dune from Lua, work there, escape, and look at which
-- pages of a buffer were written.  Run: lua5.4 -l dune demos/dirty.lua
local dune = require "dune"

local buf = dune.buffer(16)          -- 16 page-aligned pages
assert(dune.enter())                 -- from here on, inside dune
print("inside dune:", dune.active(), "backend:", dune.backend())

buf:dirty(true)                      -- forget earlier writes
for _, page in ipairs({ 2, 3, 11 }) do
  buf:write((page - 1) * 4096, "written from Lua")
end
local words = {}
for w in ("the script runs unchanged inside"):gmatch("%a+") do words[#words + 1] = w:upper() end
print(table.concat(words, " "))

dune.escape()                        -- back to normal execution
print("pages written:", table.concat(buf:dirty(), ", "))
local s = dune.stats()
print(("enters %d, escapes %d, exits %d"):format(s.enters, s.escapes, s.exits))
