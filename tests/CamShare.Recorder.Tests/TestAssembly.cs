using Xunit;

// Real cameras, ffmpeg and x264 on a small shared machine: one test at a time keeps timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
