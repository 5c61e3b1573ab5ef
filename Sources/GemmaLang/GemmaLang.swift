// GemmaLang
