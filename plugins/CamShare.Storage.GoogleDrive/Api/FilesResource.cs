using Google.Apis.Services;
using Google.Apis.Util;

namespace CamShare.Storage.GoogleDrive.Api;

/// <summary>Drive v3 <c>files</c>: list, get (metadata or <c>alt=media</c>), create (metadata), update, delete,
/// and the resumable media uploads of create and update.</summary>
internal sealed class FilesResource(IClientService service)
{
    public ListRequest List() => new(service);

    public GetRequest Get(string fileId) => new(service, fileId);

    public CreateRequest Create(DriveFile body) => new(service, body);

    public UpdateRequest Update(string fileId, DriveFile body) => new(service, fileId, body);

    public DeleteRequest Delete(string fileId) => new(service, fileId);

    public FileMediaUpload CreateMedia(DriveFile body, Stream stream, string contentType) =>
        new(service, "files", "POST", body, stream, contentType, null);

    public FileMediaUpload UpdateMedia(string fileId, Stream stream, string contentType) =>
        new(service, "files/{fileId}", "PATCH", new DriveFile(), stream, contentType, fileId);

    internal sealed class ListRequest : DriveRequest<DriveFileList>
    {
        public ListRequest(IClientService service) : base(service) { InitParameters(); }

        [RequestParameter("q", RequestParameterType.Query)] public string? Q { get; set; }
        [RequestParameter("pageSize", RequestParameterType.Query)] public int? PageSize { get; set; }
        [RequestParameter("pageToken", RequestParameterType.Query)] public string? PageToken { get; set; }
        [RequestParameter("orderBy", RequestParameterType.Query)] public string? OrderBy { get; set; }
        [RequestParameter("corpora", RequestParameterType.Query)] public string? Corpora { get; set; }
        [RequestParameter("driveId", RequestParameterType.Query)] public string? DriveId { get; set; }
        [RequestParameter("includeItemsFromAllDrives", RequestParameterType.Query)] public bool? IncludeItemsFromAllDrives { get; set; }

        public override string MethodName => "list";
        public override string HttpMethod => "GET";
        public override string RestPath => "files";

        protected override void InitParameters()
        {
            base.InitParameters();
            foreach (var name in new[] { "q", "pageSize", "pageToken", "orderBy", "corpora", "driveId", "includeItemsFromAllDrives" })
                AddQuery(name);
        }
    }

    internal sealed class GetRequest : DriveRequest<DriveFile>
    {
        public GetRequest(IClientService service, string fileId) : base(service) { FileId = fileId; InitParameters(); }

        [RequestParameter("fileId", RequestParameterType.Path)] public string FileId { get; }

        /// <summary>"media" downloads the content instead of the metadata.</summary>
        [RequestParameter("alt", RequestParameterType.Query)] public string? Alt { get; set; }

        public override string MethodName => "get";
        public override string HttpMethod => "GET";
        public override string RestPath => "files/{fileId}";

        protected override void InitParameters()
        {
            base.InitParameters();
            AddPath("fileId");
            AddQuery("alt");
        }
    }

    internal sealed class CreateRequest : DriveRequest<DriveFile>
    {
        private readonly DriveFile _body;

        public CreateRequest(IClientService service, DriveFile body) : base(service) { _body = body; InitParameters(); }

        public override string MethodName => "create";
        public override string HttpMethod => "POST";
        public override string RestPath => "files";
        protected override object GetBody() => _body;
    }

    internal sealed class UpdateRequest : DriveRequest<DriveFile>
    {
        private readonly DriveFile _body;

        public UpdateRequest(IClientService service, string fileId, DriveFile body) : base(service)
        {
            FileId = fileId;
            _body = body;
            InitParameters();
        }

        [RequestParameter("fileId", RequestParameterType.Path)] public string FileId { get; }

        public override string MethodName => "update";
        public override string HttpMethod => "PATCH";
        public override string RestPath => "files/{fileId}";
        protected override object GetBody() => _body;

        protected override void InitParameters()
        {
            base.InitParameters();
            AddPath("fileId");
        }
    }

    internal sealed class DeleteRequest : DriveRequest<string>
    {
        public DeleteRequest(IClientService service, string fileId) : base(service) { FileId = fileId; InitParameters(); }

        [RequestParameter("fileId", RequestParameterType.Path)] public string FileId { get; }

        public override string MethodName => "delete";
        public override string HttpMethod => "DELETE";
        public override string RestPath => "files/{fileId}";

        protected override void InitParameters()
        {
            base.InitParameters();
            AddPath("fileId");
        }
    }
}
