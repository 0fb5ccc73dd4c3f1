using System.ComponentModel.DataAnnotations;

namespace CamShare.Testing;

/// <summary>An options class's own cross-field problems as (key, message) pairs, for assertions.</summary>
public static class OptionsProblems
{
    public sealed record Problem(string Key, string Message);

    public static List<Problem> Problems(this IValidatableObject options) =>
        options.Validate(new ValidationContext(options))
            .Select(r => new Problem(r.MemberNames.FirstOrDefault() ?? "", r.ErrorMessage ?? "")).ToList();
}
