"""The domain: vocabulary, cycles, the meeting, decisions, editing, permissions and the reads pages use."""
