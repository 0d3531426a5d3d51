/**
 * Words that make up the product names, SSIDs, SKUs and file names technicians paste
 * ("CorpWiFi5GHz_Guest2024", "iPhone15ProMax_256GB_Blue"). A token built mostly from these is an
 * identifier, however many digits and capitals it mixes in. Random keys almost never contain more
 * than one of them, so the list can stay short and generic.
 */
export const VOCABULARY: readonly string[] = [
  // computing and networking
  "access", "account", "adapter", "addin", "admin", "agent", "app", "apps", "archive", "audio", "auth", "azure",
  "backup", "battery", "bios", "boot", "build", "cable", "cache", "camera", "cert", "channel", "chrome", "client",
  "cloud", "cluster", "config", "connect", "connector", "console", "contoso", "core", "corp", "data", "deck",
  "default", "desk", "desktop", "device", "disk", "dock", "docking", "doc", "docs", "domain", "drive", "driver",
  "edge", "email", "enterprise", "event", "exchange", "file", "files", "final", "firmware", "folder", "form",
  "gateway", "group", "guest", "health", "help", "helpdesk", "home", "host", "image", "intune", "keyboard", "lab",
  "laptop", "legacy", "license", "link", "local", "lock", "log", "login", "logon", "mail", "main", "manager",
  "media", "mesh", "mobile", "monitor", "mouse", "net", "network", "node", "note", "notebook", "office", "online",
  "outlook", "pad", "panel", "password", "patch", "phone", "plan", "policy", "portal", "power", "print",
  "printer", "profile", "project", "proxy", "public", "recovery", "remote", "report", "retail", "review", "room",
  "router", "scan", "scanner", "screen", "script", "sensor", "server", "service", "setup", "share", "shell",
  "site", "smart", "spare", "staff", "storage", "store", "studio", "surface", "switch", "sync", "system", "tablet",
  "team", "teams", "temp", "template", "test", "ticket", "token", "tool", "tools", "update", "upgrade", "user",
  "users", "vault", "version", "video", "view", "vpn", "web", "wifi", "win", "windows", "wireless", "work",
  "worker", "zone",
  // general English that shows up in names
  "air", "all", "black", "blue", "budget", "design", "draft", "east", "english", "first", "floor", "for", "fox",
  "gold", "gray", "green", "grey", "high", "large", "last", "light", "live", "low", "max", "mini", "new", "north",
  "old", "one", "plus", "pro", "red", "silver", "small", "south", "team", "the", "two", "ultra", "west", "white",
];
