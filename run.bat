@echo off
chcp 65001 >nul
rem Start Zhilian Desk (Windows 10 or later, Python 3.11+ from python.org on PATH).
setlocal
cd /d "%~dp0"
if not exist .venv\Scripts\python.exe (
    echo 创建虚拟环境 .venv ...
    py -3 -m venv .venv || python -m venv .venv || goto :nopython
)
rem Reinstall when pyproject.toml changes (new dependencies), as scripts/bootstrap.sh does.
set "HASH="
for /f "delims=" %%h in ('certutil -hashfile pyproject.toml SHA256 ^| findstr /v ":"') do if not defined HASH set "HASH=%%h"
set "HASH=%HASH: =%"
set "STAMP=.venv\.installed-run-%HASH:~0,16%"
if not exist "%STAMP%" (
    .venv\Scripts\python.exe -m pip install -q --upgrade pip
    .venv\Scripts\python.exe -m pip install -q -e . || goto :eof
    echo.> "%STAMP%"
)
.venv\Scripts\python.exe main.py %*
goto :eof
:nopython
echo 需要 Python 3.11 或更新版本：请从 python.org 安装，并勾选 "Add python.exe to PATH"。
exit /b 1
