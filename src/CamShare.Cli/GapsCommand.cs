using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Retention;
using CamShare.Core.Spool;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Cli;

/// <summary>
/// `camshare gaps --camera NAME [--day yyyy-MM-dd]`: the clock-aligned slots of a camera's day and, per
/// destination, whether a segment of that slot is stored there, waits in the spool, was quarantined or dropped (with
/// the journal's reason), or is missing. Runs of equal slots are printed as one line.
/// </summary>
internal static class GapsCommand
{
    public static Command Create(Option<string> config)
    {
        var camera = new Option<string>("--camera") { Description = "The camera (its name in camshare.json).", Required = true };
        var day = new Option<string?>("--day") { Description = "The camera-local day, yyyy-MM-dd; default: today." };
        var command = new Command("gaps", "Show which of a day's clock-aligned slots each destination holds, and why the others are missing.")
        {
            config, camera, day,
        };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(config)!, result.GetValue(camera)!, result.GetValue(day), Console.Out, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string configPath, string cameraName, string? dayText, TextWriter output, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var startup = Startup.Load(configPath, services);
        var camera = startup.Settings.Cameras.FirstOrDefault(c => string.Equals(c.Name, cameraName, StringComparison.Ordinal))
            ?? throw new UsageException($"--camera '{cameraName}' is not configured; cameras: {string.Join(", ", startup.Settings.Cameras.Select(c => c.Name))}");
        var zone = string.IsNullOrEmpty(camera.TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(camera.TimeZone);
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone);
        DateTime day;
        if (dayText is null) day = now.Date;
        else if (!DateTime.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            throw new UsageException($"--day '{dayText}' is not yyyy-MM-dd");

        var start = new DateTimeOffset(day, zone.GetUtcOffset(day));
        var end = day.Date == now.Date ? now : start.AddDays(1);
        var slotCount = (int)Math.Ceiling((end - start).TotalSeconds / camera.SegmentSeconds);
        int SlotOf(DateTimeOffset at) => (int)Math.Floor((at - start).TotalSeconds / camera.SegmentSeconds);

        var local = LocalStates(startup.Settings.Spool.Path, camera.Name, SlotOf, slotCount);
        await using var provider = services.BuildServiceProvider();
        var storages = startup.CreateStorages(provider);
        var recognizer = new SegmentKeyRecognizer(startup.Settings.KeyTemplate, [camera.Name]);
        var columns = new List<(string Name, string[] States)>();
        try
        {
            foreach (var destination in camera.Destinations)
            {
                var states = new string[slotCount];
                var settings = startup.Settings.Storages.First(s => s.Name == destination);
                var decoder = StoredKeyDecoders.For(settings) ?? PlainStoredKeys.Instance;
                foreach (var prefix in decoder.KeepsPrefixes ? recognizer.ListPrefixes() : [""])
                    await foreach (var item in storages[destination].ListAsync(prefix, cancellationToken).ConfigureAwait(false))
                    {
                        if (StorageKeys.IsTemporary(item.Key) || decoder.PlainKeyOf(item.Key) is not { } key) continue;
                        if (!recognizer.TryRecognize(key, out _, out var at)) continue;
                        var slot = SlotOf(at);
                        if (slot >= 0 && slot < slotCount) states[slot] = "stored";
                    }
                for (var i = 0; i < slotCount; i++) states[i] ??= local[i] ?? "missing";
                columns.Add((destination, states));
            }
        }
        finally
        {
            await Startup.DisposeStoragesAsync(storages.Values).ConfigureAwait(false);
        }

        output.WriteLine($"camera {camera.Name}, {day:yyyy-MM-dd} ({zone.Id}), {camera.SegmentSeconds} s slots, {slotCount} slot(s) up to {end:HH:mm:ss}");
        output.WriteLine(string.Join("  ", new[] { $"{"FROM",-8}", $"{"TO",-8}", $"{"SLOTS",6}" }.Concat(columns.Select(c => c.Name))));
        var from = 0;
        for (var i = 1; i <= slotCount; i++)
        {
            if (i < slotCount && columns.All(c => c.States[i] == c.States[from])) continue;
            var to = start.AddSeconds((double)i * camera.SegmentSeconds);
            output.WriteLine(string.Join("  ", new[]
            {
                $"{start.AddSeconds((double)from * camera.SegmentSeconds):HH:mm:ss}", $"{(to > end ? end : to):HH:mm:ss}", $"{i - from,6}",
            }.Concat(columns.Select(c => c.States[from]))));
            from = i;
        }
        foreach (var (name, states) in columns)
            output.WriteLine($"{name}: {states.Count(s => s == "stored")} of {slotCount} slot(s) stored");
        return ExitCodes.Ok;
    }

    // What the spool knows of the day's slots: waiting (in the journal, not yet everywhere), quarantined, dropped.
    private static string?[] LocalStates(string spool, string camera, Func<DateTimeOffset, int> slotOf, int slotCount)
    {
        var states = new string?[slotCount];
        void Mark(string file, string state)
        {
            if (!SegmentName.TryParseStart(file, out var at)) return;
            var slot = slotOf(at);
            if (slot >= 0 && slot < slotCount && states[slot] is null) states[slot] = state;
        }
        var quarantine = SegmentSpool.QuarantineFolderOf(spool, camera);
        if (Directory.Exists(quarantine))
            foreach (var file in Directory.EnumerateFiles(quarantine)) Mark(Path.GetFileName(file), "quarantined");
        var journal = Path.Combine(spool, SegmentSpool.JournalFileName);
        if (!File.Exists(journal)) return states;
        // Read-only, while the service may be appending: a torn last line is skipped.
        using var reader = new StreamReader(new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        var waiting = new Dictionary<string, bool>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            JournalRecord? record;
            try { record = JsonSerializer.Deserialize<JournalRecord>(line); }
            catch (JsonException) { continue; }
            if (record is null || record.Camera != camera) continue;
            switch (record.Op)
            {
                case JournalRecord.Added: waiting[record.File] = true; break;
                case JournalRecord.Removed: waiting.Remove(record.File); break;
                case JournalRecord.Dropped:
                    waiting.Remove(record.File);
                    Mark(record.File, $"dropped: {record.Reason}");
                    break;
            }
        }
        foreach (var file in waiting.Keys) Mark(file, "waiting in the spool");
        return states;
    }
}
