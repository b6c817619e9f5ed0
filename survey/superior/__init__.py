"""The superior Party organisation's pages (上级党组织): reported topics and its reply."""
