using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("CamShare.Recorder.Tests")]
