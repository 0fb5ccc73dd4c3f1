using System.Collections;
using System.Globalization;
using System.Reflection;
using CamShare.Abstractions;
using Microsoft.Extensions.Configuration;

namespace CamShare.Core.Configuration;

/// <summary>
/// Binds a configuration section onto a settings class, strictly: unknown keys, values of the wrong type and
/// unreadable secret files are reported as problems naming the key (see ConfigProblem).
/// A property marked <see cref="SecretAttribute"/> may be given inline, as <c>NAMEEnv</c> (an environment variable)
/// or <c>NAMEFile</c> (a file).
/// </summary>
/// <remarks>Hand-written rather than ConfigurationBinder so every error names its key and the fix.</remarks>
public sealed class SettingsBinder(Func<string, string?> environment)
{
    public SettingsBinder() : this(Environment.GetEnvironmentVariable) { }

    private readonly HashSet<string> _secretVariables = new(StringComparer.Ordinal);

    /// <summary>The environment variables secrets were read from (named by some <c>…Env</c> key).</summary>
    public IReadOnlyCollection<string> SecretVariables => _secretVariables;

    public object Bind(IConfigurationSection section, Type type, string path, List<ConfigProblem> problems,
        ISet<string>? ignoredKeys = null)
    {
        var target = Activator.CreateInstance(type)!;
        var properties = SettableProperties(type);
        var known = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in properties)
        {
            known[property.Name] = property;
            if (IsSecretString(property))
            {
                known[property.Name + "Env"] = property;
                known[property.Name + "File"] = property;
            }
        }

        foreach (var child in section.GetChildren())
        {
            if (ignoredKeys?.Contains(child.Key) == true) continue;
            if (!known.ContainsKey(child.Key))
            {
                problems.Add(new ConfigProblem(Join(path, child.Key),
                    $"unknown setting; known settings here: {string.Join(", ", properties.Select(p => JsonName(p.Name)))}"));
            }
        }

        foreach (var property in properties)
        {
            if (ignoredKeys?.Contains(property.Name) == true) continue;
            var key = JsonName(property.Name);
            var child = section.GetSection(property.Name);
            if (IsSecretString(property))
            {
                var value = ResolveSecret(section, property.Name, Join(path, key), problems);
                if (value is not null) property.SetValue(target, value);
                continue;
            }
            if (!child.Exists()) continue;
            var bound = BindValue(child, property.PropertyType, Join(path, key), problems, property.Name);
            if (bound.Ok) property.SetValue(target, bound.Value);
        }
        return target;
    }

    /// <summary>A secret string may come inline, from xEnv or from xFile; other secret settings (a dictionary of
    /// environment values, say) bind as usual and are only kept out of printouts.</summary>
    public static bool IsSecretString(PropertyInfo property) =>
        property.IsDefined(typeof(SecretAttribute)) && property.PropertyType == typeof(string);

    /// <summary>Names of the keys a type accepts (for listings).</summary>
    public static IReadOnlyList<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetSetMethod() is not null && p.GetIndexParameters().Length == 0)
            .ToList();

    public static string JsonName(string propertyName) =>
        propertyName.Length == 0 ? propertyName : char.ToLowerInvariant(propertyName[0]) + propertyName[1..];

    private string? ResolveSecret(IConfigurationSection section, string name, string key, List<ConfigProblem> problems)
    {
        var inline = section.GetSection(name);
        var fromEnv = FirstExisting(section, name + "Env");
        var fromFile = FirstExisting(section, name + "File");
        var given = (inline.Exists() ? 1 : 0) + (fromEnv is null ? 0 : 1) + (fromFile is null ? 0 : 1);
        if (given > 1)
        {
            problems.Add(new ConfigProblem(key, $"give only one of {JsonName(name)}, {JsonName(name)}Env, {JsonName(name)}File"));
            return null;
        }
        if (inline.Exists()) return inline.Value;
        if (fromEnv is not null)
        {
            var variable = fromEnv.Value ?? "";
            var value = variable.Length == 0 ? null : environment(variable);
            if (value is not null) _secretVariables.Add(variable);
            if (value is null)
                problems.Add(new ConfigProblem(key + "Env",
                    $"environment variable '{variable}' is not set; export it before starting camshare"));
            return value;
        }
        if (fromFile is not null)
        {
            var file = fromFile.Value ?? "";
            if (Directory.Exists(file))
            {
                problems.Add(new ConfigProblem(key + "File", $"'{file}' is a folder; point {JsonName(name)}File at the file that holds the secret"));
                return null;
            }
            try
            {
                return File.ReadAllText(file).TrimEnd('\r', '\n');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                var why = ex switch
                {
                    FileNotFoundException or DirectoryNotFoundException => "file not found",
                    UnauthorizedAccessException => "permission denied",
                    _ => "cannot read it",
                };
                problems.Add(new ConfigProblem(key + "File", $"cannot read secret file '{file}': {why}; fix the path or its permissions"));
            }
        }
        return null;
    }

    private static IConfigurationSection? FirstExisting(IConfigurationSection section, string key)
    {
        var child = section.GetSection(key);
        return child.Exists() ? child : null;
    }

    private (bool Ok, object? Value) BindValue(IConfigurationSection section, Type type, string key,
        List<ConfigProblem> problems, string propertyName)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string)) return Scalar(section, key, problems, v => v);
        if (underlying == typeof(bool))
            return Scalar(section, key, problems, v => bool.TryParse(v, out var b) ? b : Fail("true or false"));
        if (underlying == typeof(int) || underlying == typeof(long))
        {
            var seconds = propertyName.EndsWith("Seconds", StringComparison.Ordinal);
            return Scalar(section, key, problems, v =>
            {
                var n = seconds ? ParseSeconds(v) : long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : (long?)null;
                if (n is null) return Fail(seconds ? "a duration in seconds such as 300 (or 300s, 5m, 1h)" : "a whole number");
                if (underlying == typeof(int) && n is > int.MaxValue or < int.MinValue) return Fail("a smaller number");
                return underlying == typeof(int) ? (object)(int)n.Value : n.Value;
            });
        }
        if (underlying == typeof(double))
            return Scalar(section, key, problems, v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : Fail("a number"));
        if (underlying.IsEnum)
        {
            var names = string.Join(", ", Enum.GetNames(underlying).Select(n => n.ToLowerInvariant()));
            return Scalar(section, key, problems, v =>
                Enum.TryParse(underlying, v, ignoreCase: true, out var e) && Enum.IsDefined(underlying, e!) ? e : Fail($"one of {names}"));
        }
        if (underlying == typeof(Uri))
            return Scalar(section, key, problems, v => Uri.TryCreate(v, UriKind.Absolute, out var u) ? u : Fail("an absolute URL"));
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(Dictionary<,>) &&
            underlying.GetGenericArguments()[0] == typeof(string))
        {
            var dict = (IDictionary)Activator.CreateInstance(underlying)!;
            var valueType = underlying.GetGenericArguments()[1];
            var ok = true;
            foreach (var child in section.GetChildren())
            {
                var item = BindValue(child, valueType, key + "." + child.Key, problems, "");
                if (item.Ok) dict[child.Key] = item.Value; else ok = false;
            }
            return (ok, dict);
        }
        var elementType = underlying.IsArray ? underlying.GetElementType()
            : underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>) ? underlying.GetGenericArguments()[0] : null;
        if (elementType is not null)
        {
            if (section.Value is { Length: > 0 })
            {
                problems.Add(new ConfigProblem(key, "expected a list [ ... ]"));
                return (false, null);
            }
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
            var ok = true;
            foreach (var child in section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
            {
                if (!int.TryParse(child.Key, out _))
                {
                    problems.Add(new ConfigProblem(key, "expected a list [ ... ], found an object"));
                    return (false, null);
                }
                var item = BindValue(child, elementType, $"{key}[{child.Key}]", problems, "");
                if (item.Ok) list.Add(item.Value); else ok = false;
            }
            if (underlying.IsArray)
            {
                var array = Array.CreateInstance(elementType, list.Count);
                list.CopyTo(array, 0);
                return (ok, array);
            }
            return (ok, list);
        }
        if (underlying.IsClass)
        {
            if (section.Value is not null)
            {
                problems.Add(new ConfigProblem(key, "expected an object { ... }"));
                return (false, null);
            }
            return (true, Bind(section, underlying, key, problems));
        }
        problems.Add(new ConfigProblem(key, $"settings of type {underlying.Name} are not supported"));
        return (false, null);
    }

    private static (bool, object?) Scalar(IConfigurationSection section, string key, List<ConfigProblem> problems,
        Func<string, object?> parse)
    {
        if (section.Value is null)
        {
            // An empty JSON array or object has no value and no children: treat "" like the JSON null it came from.
            if (!section.GetChildren().Any()) return (true, null);
            problems.Add(new ConfigProblem(key, "expected a single value, found a list or an object"));
            return (false, null);
        }
        var result = parse(section.Value);
        if (result is ParseFailure failure)
        {
            problems.Add(new ConfigProblem(key, $"'{section.Value}' is not valid; expected {failure.Expected}"));
            return (false, null);
        }
        return (true, result);
    }

    /// <summary>"300", "300s", "5m", "1h", "1h30m" → seconds.</summary>
    public static long? ParseSeconds(string text)
    {
        text = text.Trim();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var plain)) return plain;
        long total = 0, number = 0;
        var haveDigits = false;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c)) { number = checked(number * 10 + (c - '0')); haveDigits = true; continue; }
            if (!haveDigits) return null;
            var unit = c switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
            if (unit == 0) return null;
            total += number * unit;
            number = 0;
            haveDigits = false;
        }
        return haveDigits ? null : total;
    }

    private static ParseFailure Fail(string expected) => new(expected);

    private sealed record ParseFailure(string Expected);

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
}
