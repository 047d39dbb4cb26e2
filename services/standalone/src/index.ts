// Public entry of this project; filled in by its own issue.
export {};
