from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV


class CsvExportMixin(ExportMixin):
    """An "Export" button on the changelist: the rows its filters and search select, as CSV.

    Cells starting like a spreadsheet formula are neutralised (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT).
    """

    export_formats = [CSV]
