from . import receivable_xlsx
