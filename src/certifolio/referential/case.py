def export_case_package(version): raise NotImplementedError
