// Gemma module.
