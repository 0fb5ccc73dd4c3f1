using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamShare.Abstractions;
using CamShare.Core.Pipeline;
using CamShare.Core.Plugins;
using CamShare.Core.Publishing;
using Microsoft.Extensions.Configuration;

namespace CamShare.Core.Configuration;

/// <summary>
/// Reads camshare.json (plus CAMSHARE__* environment overrides), binds it strictly, and validates everything
/// a person can get wrong, returning every problem at once.
/// </summary>
public sealed partial class ConfigLoader(Func<string, string?>? environment = null)
{
    public const string EnvironmentPrefix = "CAMSHARE__";
    private readonly SettingsBinder _binder = new(environment ?? Environment.GetEnvironmentVariable);

    /// <summary>After <see cref="Load"/>: the environment variables that secrets came from. The host removes them
    /// from its own environment once read, so that no child process (ffmpeg, rclone, a plugin's tool) inherits them.</summary>
    public IReadOnlyCollection<string> SecretVariables => _binder.SecretVariables;

    /// <summary>Reads the file and the environment overrides into a configuration tree.</summary>
    /// <exception cref="ConfigException">The file is missing or is not valid JSON.</exception>
    public static IConfigurationRoot Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new ConfigException([new ConfigProblem(path, "file not found; create it (see samples/ in the repository) or pass --config PATH")]);
        try
        {
            // Parse once ourselves: the JSON provider's own messages hide the line of the error.
            var bytes = File.ReadAllBytes(full);
            using (JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })) { }
            // The configuration binder merges a repeated object or array key silently: the second "storages"
            // would quietly extend or override the first.
            if (DuplicateJsonKeys.Find(bytes) is { } duplicate)
                throw new ConfigException([new ConfigProblem(duplicate.Path,
                    $"given twice (line {duplicate.Line}); keep one, or merge the two into one")]);
            return new ConfigurationBuilder()
                .AddJsonFile(full, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .Build();
        }
        catch (JsonException ex)
        {
            throw new ConfigException([new ConfigProblem(path,
                $"malformed JSON at line {ex.LineNumber + 1}, column {ex.BytePositionInLine + 1}: {FirstSentence(ex.Message)}")]);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigProblem(path, $"cannot read it: {FirstSentence(ex.InnerException?.Message ?? ex.Message)}")]);
        }
    }

    /// <summary>Binds and validates. Storages are bound against the providers in <paramref name="catalog"/>.</summary>
    /// <exception cref="ConfigException">One or more problems; each names its key.</exception>
    public CamShareSettings Load(IConfiguration configuration, ProviderCatalog catalog)
    {
        var problems = new List<ConfigProblem>();
        var root = configuration is IConfigurationSection s ? s : new RootSection(configuration);
        var settings = (CamShareSettings)_binder.Bind(root, typeof(CamShareSettings), "", problems,
            ignoredKeys: new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "storages", "$schema" });
        settings.Storages = BindStorages(configuration.GetSection("storages"), catalog, problems);
        ValidateCameras(settings, problems);
        ValidateTemplate(settings.KeyTemplate, problems);
        if (settings.Storages.Any(st => st.Viewer is { Enabled: true }) && CameraFolder.SegmentsIn(settings.KeyTemplate) is null)
            problems.Add(new ConfigProblem("keyTemplate",
                "the viewer needs each camera in a folder of its own: start the template with folders ending in {camera}, e.g. {camera}/{yyyyMMdd}/{HH}/{file}"));
        if (string.IsNullOrWhiteSpace(settings.Spool.Path))
            problems.Add(new ConfigProblem("spool.path", "must not be empty; set a folder for segments waiting to be uploaded"));
        if (settings.Spool.MaxSizeMb < 0)
            problems.Add(new ConfigProblem("spool.maxSizeMb", "must be 0 (no cap) or a positive number of megabytes"));
        ValidateStatus(settings.Status, problems);
        ValidateAlerts(settings.Alerts, problems);
        if (settings.Spool.MinFreeMb < 0)
            problems.Add(new ConfigProblem("spool.minFreeMb", "must be 0 (no headroom) or a positive number of megabytes"));
        if (problems.Count > 0) throw new ConfigException(problems);
        return settings;
    }

    private List<StorageSettings> BindStorages(IConfigurationSection section, ProviderCatalog catalog, List<ConfigProblem> problems)
    {
        var storages = new List<StorageSettings>();
        if (section.Value is { Length: > 0 })
        {
            problems.Add(new ConfigProblem("storages", "expected a list [ { \"name\": ..., \"provider\": ... } ]"));
            return storages;
        }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
        {
            if (!int.TryParse(item.Key, out _))
            {
                problems.Add(new ConfigProblem("storages", "expected a list [ ... ], found an object"));
                break;
            }
            var key = $"storages[{item.Key}]";
            var name = item["name"] ?? "";
            var provider = item["provider"] ?? "";
            if (name.Length == 0)
                problems.Add(new ConfigProblem(key + ".name", "missing; give each storage a short name, e.g. \"nas\""));
            else if (!NamePattern().IsMatch(name))
                problems.Add(new ConfigProblem(key + ".name", $"'{name}' is not allowed; use letters, digits, '-' and '_'"));
            else if (!names.Add(name))
                problems.Add(new ConfigProblem(key + ".name", $"duplicate storage name '{name}'; storage names must be unique"));
            if (provider.Length == 0)
            {
                problems.Add(new ConfigProblem(key + ".provider", $"missing; one of: {string.Join(", ", catalog.Providers.Select(p => p.Name).Order())}"));
                continue;
            }
            var descriptor = catalog.Find(provider);
            if (descriptor is null)
            {
                var hint = catalog.Failures.Count > 0
                    ? $"; plugins that failed to load: {string.Join("; ", catalog.Failures)}"
                    : $"; no plugin provides it (searched: {string.Join(", ", catalog.SearchedFolders)})";
                problems.Add(new ConfigProblem(key + ".provider",
                    $"unknown provider '{provider}'; known: {string.Join(", ", catalog.Providers.Select(p => p.Name).Order())}{hint}"));
                storages.Add(new StorageSettings { Name = name, Provider = provider }); // so destinations naming it do not cascade
                continue;
            }
            var before = problems.Count;
            var options = _binder.Bind(item, descriptor.OptionsType, key, problems,
                ignoredKeys: new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "name", "provider", EncryptionKey, RetentionKey, ViewerKey });
            if (problems.Count == before) ValidateOptions(options, key, problems);
            storages.Add(new StorageSettings
            {
                Name = name, Provider = descriptor.Name, Options = options,
                Encryption = BindHostSection<EncryptionSettings>(item, EncryptionKey, key, problems),
                Retention = BindHostSection<RetentionSettings>(item, RetentionKey, key, problems),
                Viewer = BindHostSection<ViewerSettings>(item, ViewerKey, key, problems),
            });
            if (storages[^1] is { Viewer.Enabled: true, Encryption: null })
                problems.Add(new ConfigProblem($"{key}.{ViewerKey}",
                    "the viewer needs this storage's \"encryption\" section (the page decrypts in the browser); add \"encryption\": { \"password\": ... } or remove \"viewer\""));
            // The page lives in the camera's folder and reads objects by their stored names: plain folder names.
            else if (storages[^1] is { Viewer.Enabled: true, Encryption.FilenameEncryption: not FileNameEncryption.Off })
                problems.Add(new ConfigProblem($"{key}.{EncryptionKey}.filenameEncryption",
                    "the viewer needs \"filenameEncryption\": \"off\" (contents stay encrypted; names end in .bin), because the page is served from the camera's plain folder"));
        }
        return storages;
    }

    // Host settings of a storage, beside the provider's own keys: the same for every provider.
    private const string EncryptionKey = "encryption";
    private const string RetentionKey = "retention";
    private const string ViewerKey = "viewer";

    private T? BindHostSection<T>(IConfigurationSection storage, string name, string key, List<ConfigProblem> problems) where T : class
    {
        var section = storage.GetSection(name);
        if (!section.Exists()) return null;
        var path = $"{key}.{name}";
        if (section.Value is not null)
        {
            problems.Add(new ConfigProblem(path, "expected an object { ... }; see `camshare providers` for its keys"));
            return null;
        }
        var before = problems.Count;
        var settings = _binder.Bind(section, typeof(T), path, problems);
        if (problems.Count == before) ValidateOptions(settings, path, problems);
        return (T)settings;
    }

    /// <summary>
    /// The options' DataAnnotations rules ([Required], [Range], ...) and then, when those hold, their own
    /// cross-field rules (<see cref="IValidatableObject"/>). Each problem names its key and the fix.
    /// </summary>
    public static void ValidateOptions(object options, string key, List<ConfigProblem> problems)
    {
        var before = problems.Count;
        foreach (var property in SettingsBinder.SettableProperties(options.GetType()))
        {
            var name = SettingsBinder.JsonName(property.Name);
            var help = property.GetCustomAttribute<DescriptionAttribute>()?.Description;
            var value = property.GetValue(options);
            foreach (var rule in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (rule is RequiredAttribute)
                {
                    if (value is null || value is string text && string.IsNullOrWhiteSpace(text) || value is System.Collections.ICollection { Count: 0 })
                    {
                        var secret = SettingsBinder.IsSecretString(property) ? $" (or {name}Env / {name}File)" : "";
                        problems.Add(new ConfigProblem($"{key}.{name}", $"missing{secret}; {help ?? "this setting is required"}"));
                        break;
                    }
                    continue;
                }
                if (value is null || rule.IsValid(value)) continue;
                var shown = SettingsBinder.IsSecretString(property) ? "the value" : $"{value}";
                problems.Add(new ConfigProblem($"{key}.{name}", $"{shown} is not allowed: {rule.FormatErrorMessage(name)}"));
            }
        }
        // The options' own rules assume the attribute rules hold; one message per broken key is enough.
        if (problems.Count == before && options is IValidatableObject validatable)
            foreach (var result in validatable.Validate(new ValidationContext(options)))
            {
                var member = result.MemberNames.FirstOrDefault();
                problems.Add(new ConfigProblem(member is null ? key : $"{key}.{SettingsBinder.JsonName(member)}",
                    result.ErrorMessage ?? "is not valid"));
            }
    }

    private static void ValidateCameras(CamShareSettings settings, List<ConfigProblem> problems)
    {
        if (settings.Cameras.Count == 0)
            problems.Add(new ConfigProblem("cameras", "no camera configured; add one: { \"name\": \"porch\", \"url\": \"rtsp://...\", \"destinations\": [\"...\"] }"));
        var storages = new HashSet<string>(settings.Storages.Select(s => s.Name), StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < settings.Cameras.Count; i++)
        {
            var camera = settings.Cameras[i];
            var key = $"cameras[{i}]";
            if (camera.Name.Length == 0)
                problems.Add(new ConfigProblem(key + ".name", "missing; give the camera a short name, e.g. \"porch\""));
            else if (!NamePattern().IsMatch(camera.Name))
                problems.Add(new ConfigProblem(key + ".name", $"'{camera.Name}' is not allowed; use letters, digits, '-' and '_'"));
            else if (!names.Add(camera.Name))
                problems.Add(new ConfigProblem(key + ".name", $"duplicate camera name '{camera.Name}'; camera names must be unique"));

            ValidateUrl(camera, key, problems, settings.Warnings);
            if (camera.Password is not null && string.IsNullOrEmpty(camera.Username))
                problems.Add(new ConfigProblem(key + ".username", "missing; a password was given, so give the RTSP user name too"));
            if (camera.SegmentSeconds is < 2 or > 3600)
                problems.Add(new ConfigProblem(key + ".segmentSeconds", $"{camera.SegmentSeconds} is out of range; use 2 to 3600 seconds (default 300)"));
            if (camera.StallTimeoutSeconds < 5)
                problems.Add(new ConfigProblem(key + ".stallTimeoutSeconds", "must be at least 5 seconds"));
            if (camera.RtspTimeoutSeconds < 1)
                problems.Add(new ConfigProblem(key + ".rtspTimeoutSeconds", "must be at least 1 second"));
            if (camera.TimeZone is { Length: > 0 } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
                problems.Add(new ConfigProblem(key + ".timeZone", $"unknown time zone '{zone}'; use an IANA name such as Europe/Berlin or America/Chicago"));
            if (camera.Destinations.Count == 0)
                problems.Add(new ConfigProblem(key + ".destinations", $"empty; list the storages this camera's segments go to, e.g. [\"{settings.Storages.FirstOrDefault()?.Name ?? "local"}\"]"));
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var d = 0; d < camera.Destinations.Count; d++)
            {
                var destination = camera.Destinations[d];
                if (!storages.Contains(destination))
                    problems.Add(new ConfigProblem($"{key}.destinations[{d}]",
                        $"'{destination}' names no storage; defined storages: {(storages.Count == 0 ? "none (add one under \"storages\")" : string.Join(", ", storages))}"));
                else if (!seen.Add(destination))
                    problems.Add(new ConfigProblem($"{key}.destinations[{d}]", $"'{destination}' is listed twice"));
            }
        }
    }

    private static void ValidateUrl(CameraSettings camera, string key, List<ConfigProblem> problems, List<ConfigProblem> warnings)
    {
        if (camera.Url.Length == 0)
        {
            problems.Add(new ConfigProblem(key + ".url", "missing; the camera's RTSP address, e.g. rtsp://192.168.1.20:554/stream1"));
            return;
        }
        if (camera.Url == "demo:") return;
        if (!Uri.TryCreate(camera.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("rtsp" or "rtsps") || uri.Host.Length == 0)
        {
            problems.Add(new ConfigProblem(key + ".url", $"'{SecretRedactor.PatternsOnly.Redact(camera.Url)}' is not an rtsp:// or rtsps:// URL (or demo: for a test pattern)"));
            return;
        }
        if (uri.UserInfo.Length > 0 && (camera.Username is not null || camera.Password is not null))
            problems.Add(new ConfigProblem(key + ".url", "has credentials in it and username/password are set too; keep only one (prefer username + passwordEnv)"));
        else if (uri.UserInfo.Contains(':'))
            warnings.Add(new ConfigProblem(key + ".url", "has a password in it, readable by anyone who can read this file; move it to \"username\" + \"passwordFile\" (a file only camshare's user can read) or \"passwordEnv\""));
    }

    private static void ValidateStatus(StatusSettings status, List<ConfigProblem> problems)
    {
        if (status.Enabled && !TryParseListen(status.Listen, out _, out _))
            problems.Add(new ConfigProblem("status.listen", $"'{status.Listen}' is not host:port; use e.g. {StatusSettings.DefaultListen}, or \"off\""));
        if (status.MaxUploadLagMinutes < 1)
            problems.Add(new ConfigProblem("status.maxUploadLagMinutes", "must be at least 1 minute"));
        if (status.CameraGraceSeconds < 0)
            problems.Add(new ConfigProblem("status.cameraGraceSeconds", "must be 0 or more seconds"));
    }

    private static void ValidateAlerts(AlertSettings alerts, List<ConfigProblem> problems)
    {
        for (var i = 0; i < alerts.Webhooks.Count; i++)
            if (!IsHttpUrl(alerts.Webhooks[i].Url))
                problems.Add(new ConfigProblem($"alerts.webhooks[{i}].url", "missing or not an http(s) URL (or urlEnv / urlFile); e.g. https://ntfy.sh/your-topic"));
        if (alerts.HeartbeatUrl is not null && !IsHttpUrl(alerts.HeartbeatUrl))
            problems.Add(new ConfigProblem("alerts.heartbeatUrl", "not an http(s) URL; e.g. https://hc-ping.com/<uuid>"));
        if (alerts.HeartbeatMinutes < 1)
            problems.Add(new ConfigProblem("alerts.heartbeatMinutes", "must be at least 1 minute"));
        if (alerts.CheckSeconds < 1)
            problems.Add(new ConfigProblem("alerts.checkSeconds", "must be at least 1 second"));
        if (alerts.MinIntervalMinutes < 0)
            problems.Add(new ConfigProblem("alerts.minIntervalMinutes", "must be 0 or more minutes"));
    }

    private static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;

    /// <summary>Splits "host:port" ("[::1]:port" for IPv6) of <see cref="StatusSettings.Listen"/>.</summary>
    public static bool TryParseListen(string listen, out System.Net.IPAddress address, out int port)
    {
        address = System.Net.IPAddress.Loopback;
        port = 0;
        var colon = listen.LastIndexOf(':');
        if (colon <= 0) return false;
        var host = listen[..colon].Trim('[', ']');
        if (!int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535) return false;
        if (host == "localhost") return true;
        return System.Net.IPAddress.TryParse(host, out address!);
    }

    private static void ValidateTemplate(string template, List<ConfigProblem> problems)
    {
        if (!template.Contains("{file}", StringComparison.Ordinal))
            problems.Add(new ConfigProblem("keyTemplate", "must contain {file}, or segments would overwrite each other"));
        if (template.StartsWith('/') || template.Contains("//", StringComparison.Ordinal) || template.Contains('\\'))
            problems.Add(new ConfigProblem("keyTemplate", "must be a relative path with '/' separators, e.g. {camera}/{yyyyMMdd}/{HH}/{file}"));
        var before = problems.Count;
        IReadOnlyList<KeyTemplate.Part> parts;
        try
        {
            parts = KeyTemplate.Parse(template);
        }
        catch (FormatException ex)
        {
            problems.Add(new ConfigProblem("keyTemplate", $"'{template}': {ex.Message}; tokens are written {{camera}}, {{file}}, {{yyyyMMdd}}, e.g. {CamShareSettings.DefaultKeyTemplate}"));
            return;
        }
        foreach (var name in parts.Where(p => p.IsToken).Select(p => p.Text))
        {
            if (name is "camera" or "file" || DateFormatPattern().IsMatch(name)) continue;
            problems.Add(new ConfigProblem("keyTemplate", $"unknown token {{{name}}}; use {{camera}}, {{file}} or a date format such as {{yyyyMMdd}}, {{HH}}"));
        }
        if (problems.Count > before) return;
        // The rules above cannot see every way a key goes wrong ("../", a stray brace): render real samples.
        foreach (var (camera, start) in TemplateSamples)
        {
            try
            {
                _ = KeyTemplate.Render(template, camera, $"{start:yyyyMMdd'T'HHmmsszz}00.mp4", start);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                problems.Add(new ConfigProblem("keyTemplate", $"'{template}' gives an invalid object key ({ex.Message}); use a relative path of tokens and names, e.g. {CamShareSettings.DefaultKeyTemplate}"));
                return;
            }
        }
    }

    private static readonly (string Camera, DateTimeOffset Start)[] TemplateSamples =
    [
        ("porch", new DateTimeOffset(2024, 3, 23, 10, 20, 0, TimeSpan.FromHours(-5))),
        ("x", new DateTimeOffset(2024, 12, 31, 23, 55, 0, TimeSpan.FromHours(13))),
    ];

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.');
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[yMdHhmsfFzK][yMdHhmsfFzK_.-]*$")]
    private static partial Regex DateFormatPattern();

    /// <summary>Lets the binder treat the configuration root like a section.</summary>
    private sealed class RootSection(IConfiguration root) : IConfigurationSection
    {
        public string? this[string key] { get => root[key]; set => root[key] = value; }
        public string Key => "";
        public string Path => "";
        public string? Value { get => null; set { } }
        public IEnumerable<IConfigurationSection> GetChildren() => root.GetChildren();
        public Microsoft.Extensions.Primitives.IChangeToken GetReloadToken() => root.GetReloadToken();
        public IConfigurationSection GetSection(string key) => root.GetSection(key);
    }
}
