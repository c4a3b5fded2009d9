"""Documents: the packet, cards, bundles, city summaries, minutes, workbooks and exports."""
