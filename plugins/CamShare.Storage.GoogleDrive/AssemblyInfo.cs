using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("CamShare.Storage.GoogleDrive.Tests")]
