-- Tries to outlive the budget by catching its error, again and again.
while true do
  pcall(function()
    while true do end
  end)
end
