/* A minimal Telegram Mini App bridge, so the page needs no script from outside.
 * Telegram opens the page with its launch parameters in the URL fragment
 * (tgWebAppData = the signed init data, tgWebAppThemeParams = the colours)
 * and talks to it through TelegramWebviewProxy (apps) or postMessage (web).
 * When Telegram's own script is present, it is used as is. */
(function () {
  "use strict";
  var w = window;
  w.Telegram = w.Telegram || {};
  if (w.Telegram.WebApp && typeof w.Telegram.WebApp.initData === "string") return;
  var params = new URLSearchParams((w.location.hash || "").replace(/^#/, ""));
  var store = w.sessionStorage;
  function keep(name) {
    var value = params.get(name);
    try {
      if (value !== null) store.setItem(name, value);
      else value = store.getItem(name);
    } catch (e) { /* storage may be off */ }
    return value;
  }
  var theme = {};
  try { theme = JSON.parse(keep("tgWebAppThemeParams") || "{}") || {}; } catch (e) { theme = {}; }
  var handlers = {};
  function post(type, data) {
    var body = JSON.stringify({ eventType: type, eventData: data || "" });
    try {
      if (w.TelegramWebviewProxy) w.TelegramWebviewProxy.postEvent(type, JSON.stringify(data || {}));
      else if (w.external && "notify" in w.external) w.external.notify(body);
      else if (w.parent && w.parent !== w) w.parent.postMessage(body, "*");
    } catch (e) { /* not inside Telegram */ }
  }
  function scheme(colours) {
    var bg = (colours && colours.bg_color) || "";
    var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(bg);
    if (!m) return w.matchMedia && w.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    var lum = (0.2126 * parseInt(m[1], 16) + 0.7152 * parseInt(m[2], 16) + 0.0722 * parseInt(m[3], 16)) / 255;
    return lum < 0.5 ? "dark" : "light";
  }
  var app = {
    initData: keep("tgWebAppData") || "",
    platform: keep("tgWebAppPlatform") || "unknown",
    themeParams: theme,
    colorScheme: scheme(theme),
    ready: function () { post("web_app_ready"); },
    expand: function () { post("web_app_expand"); },
    onEvent: function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); },
  };
  function fire(name) { (handlers[name] || []).forEach(function (fn) { fn.call(app); }); }
  w.Telegram.WebView = {
    receiveEvent: function (type, data) {
      if (type === "theme_changed" && data && data.theme_params) {
        app.themeParams = data.theme_params;
        app.colorScheme = scheme(app.themeParams);
        fire("themeChanged");
      }
    },
  };
  w.addEventListener("message", function (ev) {
    try {
      var m = JSON.parse(ev.data);
      if (m && m.eventType) w.Telegram.WebView.receiveEvent(m.eventType, m.eventData);
    } catch (e) { /* not ours */ }
  });
  w.Telegram.WebApp = app;
})();
