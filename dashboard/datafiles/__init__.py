"""The data/ folder: safe reading, validation into a dataset, its layout, and building the store from it."""
