"""民情联系卡 and notice-board posters: what goes on them (content), how they are laid out and
drawn (PDF), and which households received them (distribution, in app.services.cards)."""
