; Inno Setup 6 script of the Windows installer (built by .github/workflows/release.yml; saved
; as UTF-8 with a byte-order mark, which Inno Setup needs to read the accents):
;   iscc /DAppVersion=0.1.0 packaging\windows\maliradio.iss
; from the PyInstaller bundle dist\maliradio (libVLC and the plugin subset already copied into
; dist\maliradio\_internal\vlc by packaging/bundle_vlc.py). Writes
; dist\maliradio-<version>-windows-x64-setup.exe.
;
; Installs for the current user without administrator rights by default
; (%LOCALAPPDATA%\Programs\maliradio); the "all users" choice is offered and then asks for them.
; Start-menu entry, optional desktop icon, an uninstaller in "Apps & features". The installer
; speaks French or English, after Windows' language. Uninstalling leaves the user's settings,
; stations and news (%APPDATA%\maliradio, %LOCALAPPDATA%\maliradio) where they are.

#ifndef AppVersion
  #error "Give the version: iscc /DAppVersion=0.1.0 maliradio.iss"
#endif
#define Root "..\.."

[Setup]
AppId={{6E3F1D63-566F-49B7-8A6A-17F62878C174}
AppName=maliradio
AppVersion={#AppVersion}
AppVerName=maliradio {#AppVersion}
AppPublisher=maliradio
DefaultDirName={autopf}\maliradio
DefaultGroupName=maliradio
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\dist
OutputBaseFilename=maliradio-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\build\icons\maliradio.ico
UninstallDisplayIcon={app}\maliradio.exe
UninstallDisplayName=maliradio
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
ShowLanguageDialog=auto
CloseApplications=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the whole bundle: no file of an older version stays behind
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Root}\dist\maliradio\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\maliradio"; Filename: "{app}\maliradio.exe"; Comment: "{cm:AppComment}"
Name: "{autodesktop}\maliradio"; Filename: "{app}\maliradio.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\maliradio.exe"; Description: "{cm:LaunchProgram,maliradio}"; Flags: nowait postinstall skipifsilent

[CustomMessages]
french.AppComment=Radios, télévisions et actualités du Mali, du Burkina Faso et du Niger
english.AppComment=Radio, TV and news from Mali, Burkina Faso and Niger
