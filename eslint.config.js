// ESLint flat config for extension/ (the code that ships). `make lint` runs it.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["extension/**/*.js"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "script",
      globals: {...globals.browser, browser: "readonly", chrome: "readonly"},
    },
    rules: {
      "no-unused-vars": ["error", {args: "none", caughtErrors: "none"}],
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-restricted-globals": ["error",
        {name: "fetch", message: "Ohne Haken makes no network requests."},
        {name: "XMLHttpRequest", message: "Ohne Haken makes no network requests."},
        {name: "WebSocket", message: "Ohne Haken makes no network requests."},
        {name: "EventSource", message: "Ohne Haken makes no network requests."}],
      "no-restricted-properties": ["error",
        {property: "innerHTML", message: "Build DOM with createElement and textContent."},
        {property: "outerHTML", message: "Build DOM with createElement and textContent."},
        {property: "insertAdjacentHTML", message: "Build DOM with createElement and textContent."},
        {property: "sendBeacon", message: "Ohne Haken makes no network requests."},
        {object: "document", property: "write", message: "Build DOM with createElement and textContent."}],
    },
  },
];
