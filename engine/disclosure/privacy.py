"""De-identification (去标识化) of personal information before a document is disclosed.

The finder proposes candidates; a confidentiality reviewer confirms or dismisses each one and
may mark further passages by hand (:func:`manual_redactions`); the disclosed text is the
redacted one (:func:`redact`), the original stays internal.

**Width.** People type identifiers in full-width digits and letters (３７１０…, １３９…, ＠),
with full-width or typographic dashes (－ — – ‐ −), ideographic spaces and assorted middle dots.
The finder reads :func:`normalize`'s form of the text: an NFKC-like fold that maps each such
character to exactly one ASCII (or plain) character, so every offset in the folded text is the
offset in the original; findings, masks and redactions always address the original text.

**Kinds.** The finder is built for precision: every kind is checked beyond its shape.

* ``resident_id`` (居民身份证号), 18 characters: a province code that exists (or 9 for the
  foreigners' permanent residence ID card, which shares the layout), a birth date that is a real
  calendar date between 1900-01-01 and today, a 3-digit sequence, and the GB 11643 check
  character (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 -> "10X98765432"; a
  final ``x``, ``×`` or ``Ⅹ`` is accepted). Written as one run or in groups split by the same
  space(s) or hyphen throughout, the first group of three digits or more (3710 0219 8001 0112
  34, 371002 19800101 1234, 371002-19800101-1234). A disability certificate's number
  (残疾人证号), the ID and two digits for the category (1-7) and grade (1-4), is found whole.
* ``resident_id``, 15 digits (the first-generation card): province code, 19YYMMDD a real date,
  3 digits. Fifteen digits collide with IMEIs, business registration numbers (注册号) and account
  numbers, so the nearest label within 12 characters before it decides: an ID keyword
  (身份证, 公民身份号码, 证件号…) accepts it, another number's label (文号, 编号, 单号, 账号,
  注册号, IMEI…) rejects it. Unlabelled, it is accepted right after a sex (张三，男，…, the
  usual column order); otherwise it is rejected if it passes the Luhn check (IMEIs and 15-digit
  cards do), or if it passes the registration-number check (ISO 7064 MOD 11,10) within 20
  characters after a firm's name (公司, 企业, 合作社…); right after a name starting a clause
  (宋敏勇（1101…）, the holder in a list) it is accepted too. The price: about one unlabelled
  ID in ten, outside those cues, is missed. Written in groups, it needs an ID keyword.
* ``mobile`` (手机号码): ``1[3-9]`` and 9 more digits, as a run or grouped 3-4-4 or 3-8 by
  spaces or hyphens, optionally after +86, 0086 or 86; after a telephone label also 3-4-4
  by dots (138.6311.2468) or 4-3-4 (1380 631 2233). An account (账号) may be a mobile
  number (支付宝账号13012345566).
  Hong Kong's, Macao's and Taiwan's after their country code, written +852, 00852, (852) or
  (+852), then a space, a hyphen or nothing: Hong Kong's 8 digits starting 4-9 (+852 9123
  4567, 00852-62345678), Macao's 8 starting 6 (+853 6612 3456), Taiwan's 9 and 8 more digits
  (+886 912 345 678, +886-912-345-678, +886 912345678, +886 9 1234 5678); a bare 852, 853 or
  886 only after a telephone label (手机852-5123 4567); without the code, only right after a
  label that names the region (香港手机：9123 4567, 澳门联系电话：66123456). Hong Kong's
  landlines (8 digits starting 2 or 3) and Macao's (starting 28) there are ``landline``,
  with the mainland's rules for an agency's lines; so are Taiwan's after +886 (a bare 886 after
  a telephone label), an area code of one or two digits, then 6-8 digits (+886-2-2345-6789,
  +886 7 234 5678), and in the local form ((02)2345-6789, 02-2345-6789, (07)234-5678) only after
  a telephone label with a Taiwan cue (below): the mainland has no two-digit area code, but a
  digit dropped from 021 would read so. Taiwan's mobiles in the local form (0912-345-678,
  0912 345678, 0912345678) collide with mainland area codes (0991 Urumqi): only after a
  telephone label and with a Taiwan cue (台湾, 台胞, 台商, 台北, 高雄…) within 60 characters
  before it or in its own clause after it.
* ``bank_card`` (银行卡号): 16-19 digits, as a run or in groups of four, passing the Luhn check
  and fitting a card scheme: UnionPay and others starting 6 (16-19 digits), Visa 4 (16 or 19),
  Mastercard 51-55 (16), JCB 35 (16-19); not when the nearest label before it names another
  kind of number or an ID. After a card label, in groups of any length (622908 0112349877,
  622848 0012345678903).
* ``email`` (电子邮箱): ``local@domain.tld``, trailing punctuation left out; also written so
  that crawlers miss it: the @ as ``[at]``, ``(at)``, ``【at】`` (and the dots as ``[dot]``,
  ``(dot)``), anywhere; the @ as ``#`` (请将#改为@) at a mail provider's domain (163.com,
  qq.com, gmail.com…) or after a mail label (邮箱, 电子邮件, E-mail…); the @ as `` at `` and
  the dots as `` dot `` after a mail label only.
* ``landline`` (固定电话): area code 010, 02n or 0nnn (n a digit, the first of nnn
  from 3) then a local number of 7-8 digits starting 2-8 (8 after a 3-digit code),
  written 0631-5288123, (0631)5288123, 0631 5288123, +86-631-5288123 or run together
  (06315288123), also after words that are no telephone label (请联系06315288123); after a
  telephone label also with the local number split (021-6410 1234). Not a line an agency
  publishes to be called, nor the numbers listed after it: after 咨询电话, 监督电话, 举报电话,
  投诉电话, 值班电话, 办公电话, 服务热线… or a purchaser's or agent's contact (采购人联系方式),
  a firm's or a unit's (企业联系电话：…), a case officer's (承办人：刘洋，联系电话：…);
  nor one whose nearest owner before it is an agency or a firm, no person found in between,
  with only its contact particulars between them (教育局装备科，电话：…, 本机关地址：…，邮编：
  …，联系电话：…, 招标有限公司  联系人：王工  联系方式：…, 核对中心（电话：…）, 请向…办公室
  反映，电话：…, 向…局提出，联系电话：…, …中心书面提出。电话：…, …局。联系人：王晓　电话：…,
  …信访科⏎联系人：郭芳　电话：…, …有限公司，项目负责人：张工　联系电话：…), nor the line
  where a notice's objections are sent (异议书面材料送达地址：…　联系电话：…), nor the lines and
  mailboxes listed on after one so dropped (联系电话：…　传真：…⏎电子邮箱：…), nor the contact
  closing an agency's letter and its line (…请予办理。⏎联系人：舒晓燕　联系电话：…; 特此函告,
  此复…), nor the contact at the foot of an agency's notice (a first line naming the agency and
  a notice, 通知, 公告, 函, 告知…, the contact opening a line after which at most two short lines
  follow: 恩施市人民政府…通知 … ⏎联系人：谭丽　电话：…); after prose
  (本机关已于…作出答复，请联系…) it may be a clerk's own and is found. A mobile there is
  still found; so is an e-mail address at a mail provider (one at another domain is the
  agency's, after it).
* Travel documents, each only where a word names it: within 40 characters before the number
  (only a full stop or a line break ends the search, so 证件类型：护照；证件号码：E12345678 is
  found) unless another number's label (编号, 有效期, 电话…) stands nearer, or right after the
  number (E12345678（护照）); a number listed right after one found (E12345678、E23456789)
  is of the same kind. The shape must fit the kind the nearest word names:

  - ``passport`` (护照号码): one or two letters and 7-8 digits (E12345678, EA1234567,
    G12345678, the older G1234567, D/S/P… for official passports); E is followed by 8; other
    countries' after the word: 9 digits (the United States, the United Kingdom, Russia), three
    letters and six digits (Spain), or 8-9 letters and digits with four digits or more
    (12AB34567, C01X00T47). A visa's number (签证号) is none;
  - ``hk_macau_permit`` (港澳通行证件号码): the mainland residents' 往来港澳通行证, C and 8
    digits since 2014, then C, a letter (no I or O) and 7 digits; the Hong Kong and Macao
    residents' 来往内地通行证 (回乡证), H or M and 8 digits, or 10 with the renewal count;
  - ``taiwan_permit`` (台湾通行证件号码): the Taiwan residents' 台湾居民来往大陆通行证
    (台胞证), the 8-digit lifetime number, or 10 digits with the issue count and the issuing
    office in brackets (0561682001(D)); the mainland residents' 往来台湾通行证, L and 8
    digits. A bare number must not read as a date (YYYYMMDD) and must be the first number
    after the word.

* ``military_id`` (军警证件号码): the number of a soldier's, officer's, civilian staff's,
  retired cadre's or policeman's identity document, only where its label names it: 军官证,
  士兵证, 士官证, 文职干部证, 文职人员证, 军人身份证, 军人证, 警官证, 人民警察证, 离退休干部证
  (武警 or 军队 before any), then its 号, 号码 or 编号, a colon, 为 or an opening bracket, and
  the number: one or two characters, 字第, 6-10 digits and 号 (南字第1234567号, 政字第0045678号,
  海字第98765432号), or 6-10 digits that read as no date (YYYYMMDD) nor a count (士兵证123456份);
  the 字第 form also right before the label (持有南字第1234567号军官证). Never the same shapes
  elsewhere: 文号 (鲁政字〔2026〕12号), decisions (威公交罚字第…号) and case numbers are none.
  Numbers of the same shape listed right after one found (南字第1234567号、南字第2345678号,
  …及政字第0056789号) are found too. A policeman's badge number, 6 or 7 digits, only after 警号
  (民警警号012345, 该民警（警号：023456）; not 报警号码, nor a count), and not in an agency's list
  of its own officers acting in office (执法人员：张伟（警号012345）, 办案民警, 承办人 within 40
  characters before it in the sentence): the agency publishes those with their names. A
  veteran's preferential treatment card's number (退役军人优待证), a letter or two and 6-20
  digits, only after 优待证号, 优待证号码 or 优待证编号 (not a count: …12345张).
* ``license_plate`` (机动车号牌): province character, issuing-authority letter, an optional
  middle dot, hyphen or space, then 5 characters (at most two letters, a letter may end it:
  鲁K·5H27P; 挂, 学, 警, 港, 澳, 领 may end it too) or a 6-character new-energy number
  (鲁K·D12345, 鲁K D12345, 鲁K12345D); in small letters (鲁k12345) after a plate's label
  (车牌, 号牌…).
* Table cells that a PDF's text runs together (1张三丰37068319860519371913963101234): a run
  of digits that is wholly resident IDs and mobiles, at least one of them an ID whose check
  character holds, gives each of them.
* ``hk_id`` (香港身份证号码): one or two letters, six digits and the check character (weights
  9 8 over the letters, A=10 … Z=35, a space, 36, before a single letter, 7 to 2 over the
  digits, the sum divisible by 11, 10 written A). With the check in brackets (A123456(3),
  A123456（3）) it is found anywhere its check holds, unless another number's label names it;
  without them (A1234563) only after an identity card's label (身份证, 香港身份证, HKID).
  ``macau_id`` (澳门身份证号码): 1, 5 or 7, six digits and a check digit, (8) or run on, only
  after 身份证 with 澳门 before it (no public check to rely on). ``taiwan_id`` (台湾身份证号码):
  a letter, 1 or 2, eight digits passing the official check (the letter's two digits weighted
  1 9, the rest 8 to 1 and 1, the sum divisible by 10), only after 身份证 (台湾居民身份证…).
* ``qq`` (QQ号码): 5-11 digits not starting with 0, right after QQ, QQ号, QQ号码 or 扣扣 (any
  case, either width; QQ/微信 too), never a group's number (QQ群). ``wechat`` (微信号): a
  letter and 5-19 letters, digits, - or _, right after 微信, 微信号, WeChat (ID) or wx; not an
  agency's own account (官方微信, 政务微信, 公众号); a mobile number there is a mobile.
* ``name`` (姓名): 2-4 characters, a surname (about 380 single ones, rare ones such as 逄, 仉, 禤,
  訾 and 矫 among them, ones that are everyday words too — 门, 水, 和, 木, 战, 衣 — but not in such
  words (门口, 水平, 和解, 木材, 战友, 衣物; 纳入, 智力), and 区 (区伟明) unless a district's word
  follows it (区政府, 区人民法院, 区长, 区委, 区域, 区里…), 南 (南顺姬) unless a word of the south
  does (南至, 南侧, 南京, 南宁…), 那 (那振江) unless a word of "that" does (那些, 那里…), 楼
  (楼正华) unless a building's word does (楼上, 楼道, 楼梯…); 洪, 萧, 谈, 封, 宣 and 屠, not in
  洪水, 谈话, 封存, 宣传 and their like; and about
  50 compound ones: 欧阳, 司马, 诸葛, 宗政…) and one to three characters that stand in given names
  — characters of time, place, office and grammar do not (某, 年, 本, 局, 市, 区, 路, 的, 于…), so
  names already hidden (张某, 王某某; 李XX and 张* are no characters of a name), organisations
  (威海市某某科技有限公司, 万达集团, 荣成市人民政府), and prose (申请人于今年3月, 当事人陈述申辩,
  高度重视) are not names; nor a surname with a title (王科长, 李女士). A Tibetan name has no
  surname: two of its usual parts (次仁卓玛, 扎西多吉, 才让东智; about 70 parts) read as a name
  wherever a name with a surname would, four characters as one with a compound surname. 业 stands
  in given names (王建业, 毕业成; not 毕业, 商业, 林业), and so does 区 inside one where no
  district's word follows it (张区明; not 黄岛区, 王区委), but nothing of a score's column
  (笔试成绩). The longest such reading is taken where it is followed by punctuation, a space, a
  digit, the next field's label (性别, 住址, 电话…) or a sex; found

  - right after a personal label (姓名, 申请人, 被申请人, 联系人, 当事人, 投诉人, 举报人, 户主,
    法定代表人, 委托代理人, 收件人, 患者, 死者, 监护人, 经办人, 被执行人, 配偶, 来信人, 借款人,
    参保人, 被安置人, 拟录用人员, 考生, 男方, 丈夫, 第三方, 所有人, 兵员, 住宿人, 声明人, 持证人,
    被继承人, 学生, 受援人, 委托照料人, 赡养人, 受伤害职工, 被处罚人名称 (a firm's or a person's),
    被征收人代表, 停保对象, 安置对象, 献血者, 见义勇为人员, 英文名…, also spaced out by a scan:
    申　请　人：, 户　主：; not 单位名称 or 机关名称), a private person's role in prose (摊主刘芳,
    店主, 雇员, 村民宋华, 居民, 市民, 群众, 游客, 行人, 个体工商户, 特困供养人员, 护林员, 邻居,
    房东, a worker's 同事 and 工友, a private firm's 执行董事, 董事长, 股东, 监事, a driver (驾驶员,
    司机), the person a programme serves (社区矫正对象, 救助对象, 发展对象…); 村民委员会, 游客中心
    and 行人通道 give no name, nor a role named with another: 市民游客; nor the contact an agency or
    a tenderer names for itself: 招标人：…局 联系人：…), or a kinship or household word with no
    label (其父, 其母, 其妻, 其子, 其兄…, 长子, 次女, 孙子, 儿媳, 侄子, 外甥, 表弟, 堂姐, 祖父,
    姑母, 舅舅…, 家属, 随军家属, 随调家属, 亲属, 家庭成员: 其父何国华, 长子周海涛, 随调家属：李静;
    其父亲 is read whole, so 其父亲病重 and 其子女 give no name, nor 家属安置 or 亲属关系), 甲/乙
    before a colon (当事人甲：), after ：, :, a space, 为, 是 or nothing, and a bracket
    (法定代表人（负责人）：); there a word of the sentence going on may end it too (申请人王小明于…,
    投诉人谭敏的…, 被执行人阎国庆名下…, 其父张伟为…; four characters with a single surname only
    before punctuation or a field: 亲属冯德利代为… is 冯德利); further names listed with 、 (a line
    may break after it), also past a short note in brackets (申请人：张三、李四;
    家庭成员：李红梅（妻子）、张小明（儿子）); a change told after the label, both names
    (经营者：由付春华变更为付家明);
  - in a list's row: a name of 2-3 characters (4 with a compound surname) that starts the
    text, a line, a cell, a clause or a numbered row (3.向东), then ，男 or ，女 (a space, a tab
    or 、 as well), （男） or （男， (张三，男，汉族…, 1 王伟 男 3710…, 张三（男，1975年生）);
  - in a letter's salutation: a name starting a line (after 尊敬的 too), then ：你/您
    (王小明：你于…), or 先生, 女士 or 同志 and ： (尊敬的闫振华先生：); several listed with 、
    (郭建华、郭建国：⏎你们…), parts joined by a middle dot, a note in brackets before the
    colon (沙吾提·买买提（身份证号：…）：);
  - right before its own ID card's number, an identity document's label, its nationality,
    its native place or its birth date (经核查，郑雨涵（身份证号…, 韩静（证件号码…, 郭子豪，往来
    港澳通行证号码…, 朴智勋（韩国籍）, 邢立伟，籍贯…, 邵宏伟（1953年9月生）) or its exam
    ticket's (曲晓华（准考证号…）) or another personal certificate's (何军伟（从业资格证号…）;
    not an officer's shown in office: 执法人员：张强（执法证号…）), three characters
    read first, then two; starting a clause right before a
    resident ID found, or one partly hidden (邓立军，3702…, 宋平（370211********3216）);
  - in the first cell of a table's row (after the row's number) that holds a resident ID, also
    partly hidden, or a mobile further on (1 邹海涛 3702…, 3、温小燕  手机 135…);
  - in the first cell of numbered rows set out with blanks (1. 杨木生　　4组　　补助1.5万元),
    two rows or more opening with a name and two in three of all such rows (the rest with a
    surname no list holds: 农志刚), the lines around saying the list is of persons (as for a
    list under a heading, below);
  - in a 公示 list under a heading: a line with a place, a unit or a group (and its ordinal), a
    colon, then items split by 、, each a name of 2-3 characters (4 with a compound surname)
    and nothing else (鲸园街道：金晓明、白雪, 第一组：韩梅、林涛, 一年级（2班）：…) but, on
    every item or none, its household's size (陈家岗村：詹国友（3人）、詹小翠（1人）: then even
    a village's heading will do). A count of
    persons in brackets equal to the number of items (一、环翠区（3人）：王刚、李娜、赵敏; 人, 名,
    户 or 位) is enough; otherwise no count of things (（3个）, （2件）), a heading that names no
    things (涉及村庄, 参会单位, 重点项目…) nor officers acting in office (执法人员, 检查人员,
    审判员, 书记员…), and the lines around (200 characters before, 100 after)
    saying the list is of persons (人员, 对象, 个人, 志愿者, 考生, 招聘, 递补…; 名单 alone is
    not: villages are listed too); a line of a single name only right below such a list;
  - after the verb of a personnel act, listed with 、: 递补, 拟录用, 拟聘用, 拟聘, 拟招募, 拟推荐
    (递补孟雅婷进入体检, 拟录用张伟、刘芳为…); 确定 before 为 and a person's role (确定王丽为…
    先进个人, …护林员); 同意 before 辞去, 退出 or 放弃; 转来 or 收到 before (的)来信, 来电, 投诉,
    举报… (转来区伟强的来信: so 区 is a surname here, and nowhere else without a label); 同意
    before （户主） or （申请人） (同意党国庆（户主）在…); 应为 or
    更正为 in a correction (…记载有误，应为房秀云、滕建平; “房秀芸”应为房秀云, the quoted wrong
    writing too); 由 before 接替, 接任, 代领 or 担任 (由刘洪涛接替, 由其侄子于洋代领, 由其姑母邱丽萍
    担任监护人); 授予 before a title in quotes or 同志 and 称号 (授予林晓燕、谷建华等3名同志“优秀
    网格员”称号; names dotted or spaced too, each maybe after its work or its unit and a blank:
    纪念馆讲解员尹佳同志, 第一中学 易明辉); 拟将 before 列为, 作为, 纳入… (拟将袁梦琪同志
    （女，…）列为发展对象). Never where
    the rest of the clause names an office (任命…为局长, 同意…辞去…主任职务, 由…接任局长,
    由…担任局长): officials appointed or removed (任免) act for their agency, and so does a
    cadre in a notice before appointment: no name nor birth date on a line that tells what he
    holds now and is to hold (…，男，1978年5月生，…现任…镇长，拟任…书记), nor a name in a
    sign-off of officers (经办人：刘红英　　复核人：陈卫东);
  - with no label, where the sentence's shape shows a person, the name starting a clause: the
    subject of a finding of fact, in the clauses up to 80 characters after 经查, 经调查, 经核实… and
    before 在, 于 and a digit, 已于, 业已, 未经, 擅自, 多次, 曾, 系… (经查，2026年4月至6月，
    冷国栋在未取得…), also after a case's number (案例二：邝志明驾驶…), a line's ordinal
    (（二）水长生未经许可…) or a report (据群众举报，…); names listed with 、 before 夫妇, 夫妻 or
    兄弟二人 and its like, or 等 and a count of persons (柳青霞、褚志国夫妇共有的…,
    李建国、王秀兰等5人反映…), the clause naming no office; a household named by its head after its
    village (张家疃村王德海户、李秀英户; 桐梓河村：田汉清户（…）), a family honoured after its
    village, town or street (东墩村于学军家庭、…镇宫本利家庭); two or more names each before 同志
    (于海滨同志、曲丽娜同志…), the clause naming no office; a name before 遗失 (车春燕遗失…) or 驾驶
    (，水振海驾驶…) or right before its own ID card's label (柳青霞公民身份号码：…); a row of a list
    of foreigners, the name in one writing and the other in brackets before 国籍 (2. 李敏镐（LEE MIN
    HO），国籍：韩国); not a place's value (国籍：俄罗斯，护照… is no 罗斯);
  - in a plot's bounds (四至), the neighbours named by their houses and fields (东至郭二虎老宅，
    南至武喜旺宅，西至李明家承包地; not 东至王家沟, 南至水渠);
  - in a line of two pairs or more of a district, county or town and a name, the pairs parted
    by wide blanks (龙文区　沈丽娟　　芗城区　蓝 天 明), every name reading as one, the lines
    around saying the list is of persons (as for a list under a heading).

  Where a given name of two characters ends in 业 and 已 follows, 业已 (already) is the word:
  赵华业已于… is 赵华; so with 原 before 住, 籍 or 名 (木秀珍原住址… is 木秀珍). 本, 全, 政, 元
  and 若 begin words after a name (本人, 全部, 政府, 单元, 若有) and stand in no name of two
  characters, but in a given name of two (解立本, 宋德全, 车政霖, 李若曦) unless the two make
  such a word. A married woman of old is written with her husband's surname, her own and 氏
  (乔王氏). A case's cause ends a name (诉被告孙华强、于丽民间借贷纠纷一案).

  After a label or an act's verb a name also ends before a verb of the sentence: failing the
  words above, the longest reading before a verb whose first character may stand in a name
  (孟雅婷进入, 王芳提交), then the shortest before a character that stands in no name and opens
  a predicate (随军家属王芳报名…, 申请人张伟请求…), so no list of verbs need be complete.

  Two characters padded to the width of three (杨　帆, 许 静) are a name as well, and so are
  three spaced out by a scan or a form (钟 小 林; the third even after a line break: 邹 志⏎刚),
  the third before no further character of a column's word (龚  翠  视力 is 龚  翠) nor a sex;
  found so once, they are one name wherever they stand again, spaced or written close
  (被告人钟 小 林犯…, 刘春生). So are
  parts joined by a middle dot (热依拉·买合木提, the names of ethnic minorities and
  foreigners) where a label or a sex shows them to be one; after a personal label and before
  a sex or a nationality in brackets (当事人：扎西顿珠，男; 申请人：佐藤健一（日本籍）), or right
  after 姓名 and its colon before the next field (姓名：乌兰图雅  性别; not a table's header:
  义务兵姓名　　入伍地), a name needs no common surname; nor
  does one of 3-6 characters written for its sound (as in a name column, below) after a
  personal label, then a blank and the next field's label with its colon (申请人：其木格　性别：,
  监护人：额尔敦巴雅尔　与申请人关系：).
  After a label a foreigner's name in Latin letters (申请人：Emily Johnson，, 证人Mary Brown的
  证言: Chinese may run straight on) is one, and so
  is a name in brackets right after it (KIM MINJUN（金珉俊）; not a nationality: Michael
  Johnson（美国籍）), and so is a Latin name in brackets after a name found (约翰·史密斯
  （John Smith）). A name after a label followed by a public office (法定代表人：刘建军，局长) is
  an official acting for his agency, and one followed by 律师 or a law firm a lawyer acting as
  such (委托诉讼代理人：赵明，…律师事务所律师): neither is found. A letter's salutation alone on
  its line (麦晓峰：⏎本机关于…) is a name.
* Columns a table's header names (the table flattened to text, its cells split by tabs, |,
  commas or spaces): under 姓名, X姓名 or a personal label (户主, 被安置人…) the cells of the
  rows below, split the same way into as many cells, are names — several in one cell split by
  / or 、 (蒋文华/邹玉梅), a name padded with a space (黎 静) or split by blanks into a row's
  cells (龚雪 芬, 时 光 明) joined, one of 3-6 characters
  written for its sound with no common surname (其木格, 乌力吉巴图, 多吉次仁); under 家庭住址
  and its like, addresses; under 出生年月 or 出生日期, birth dates. A row of other cells ends
  the table; a header's cue may be a word ending in 者 (经营者, 获奖者). A header split at wide
  blanks but holding two words a single blank parts (序号 姓名
  then two blanks and 残疾人证号: typed with one ideographic space here and two there) is split
  at any blank.

* ``address`` (住址): the field after a personal address label (住址, 家庭住址, 家庭地址, 现住址,
  现居住地, 现居住, 居住地址, 户籍地址, 户籍所在地, 身份证住址, 家住, 经营者住所; 住宿地址 and
  暂住地 but at a hotel…) up to the next comma, full stop, a bracket it never opened,
  semicolon, line break or space, the next field's label (电话, 邮编…) or a run of 7 digits
  (the telephone after it), at most 60 characters, if it names a place (省, 市, 区, 县, 镇, 村,
  路, 街, 号, 小区, 栋, 单元, 室…) and is not already hidden (某, XX). After a bare 住 in a list
  of facts (，住威海市…路12号) or after 居住在 it must name a street, a number or a village;
  after a bare 住 a city and its district or county alone, with its province before and a town
  after it or not (住乌鲁木齐市天山区, 住山东省荣成市俚岛镇; not 住威海市), is enough where
  the sentence before it names a person (a personal label, a sex, a birth, an ID) and no firm
  or agency. Not where the field is an agency's doing (户籍所在地村（居）委会出具).
  After 住所 or 住所地, a firm's seat as much as a person's home, only where the same line gives
  a person's particulars (…，男，1967年9月出生，住所…) and names no firm or agency — or, where
  住所 opens its line (a form), the lines just above do (当事人：…　性别：男…⏎住所：…). After 通讯
  地址 (通信地址, 邮寄地址…) only where a personal label stands before it (申请人：…) with no firm
  or agency between them or in the address. After a bare 地址 only where it opens a line of a
  person's form: the lines above it, from the last that opens with a personal label, give a
  sex, a birth, an ID card's label or a resident ID (被处罚人名称：…⏎纳税人识别号：3505…⏎地址：…)
  and name no firm or agency. A person trading (个体工商户) under a shop's name (字号：…快餐店)
  is still a person. An address a scan or a narrow column wrapped (…贡江镇⏎长征大道西路66号)
  goes on to the next line where the part before the break ends with a town, a street's office
  or a district and holds no number, and the next line is a street or a village with its
  number and nothing more. Also after 最后住所地, 原住, 生前住 and 所居住的, and
  in prose that names a household or a person and no office, firm or shop, where it has a house,
  flat or room number (…号, …室): after 遗失位于, 其位于 (其位于…的住房), 户口由 or 户籍由 and
  迁至, 迁往 or 迁入 (迁至其女儿家（…）), 你提供的地址. Where the sentence goes on after the
  number (…1502室的不动产权证书, …15号房屋所在地块…, and after 所居住的 or in prose whatever
  follows: …402室楼上住户…) the address ends with the number. Where a
  house taken or sold stands (房屋位于…) is no home told. Never after 办公地址, nor after a
  bare 地址 elsewhere: agencies print their own addresses in their letters.
* ``birth_date`` (出生日期): a real date between 1900 and today with at least its month
  (1975年3月12日, 1936年5月, 1958-01-01, 1968.05, 1990/1/1), tied to a person: after 出生日期,
  出生年月, 生日 or 出生于, before 出生 or 生 (not 生效, 生产), or right after a sex in a row
  (张三，男，1968.05，…). A year alone (1984年出生) is not found.

**Amounts and other numbers are not identifiers.** A mobile or landline shape is rejected when
the nearest label before it names another kind of number (编号, 订单号, 账号…) or an amount
(金额, 合计, 收入…, or a currency in brackets: 项目资金（元）：), or, without a telephone
label, right after 第 or a word ending in 号 (档号, 工号; not 六十八号, an address's end). A
label followed by the number it names does not name the next one (编号XF001 王某 138…,
月收入 800元 138…, 保障人口：2 138…); labels joined into one heading (身份证号及银行账号)
leave each number to its own checks. A mobile, landline or card shape is rejected when a
currency sign or word precedes it (¥, $, 人民币), when a decimal part or a unit follows it
(15546680069.58元, …千瓦时, …人次, …吨, …万), or, without a telephone label, a counter (…户,
…人, …次; not 人民路, 户籍; after a space only one that ends the phrase, not 项某 or 台儿庄区
in the next column). Numbers inside a web address are not identifiers.

No finding lies inside a longer run of digits or ASCII letters; CJK neighbours are fine, since
Chinese runs digits straight into text. Where candidates overlap, the longer one wins, and on a
tie the more specific kind (the order of :data:`KINDS`); candidates are swept in order of
position, so the cost grows with the length of the text, not its square.

**Copies.** After the first pass, every name and address found is looked for again in the same
characters anywhere in the text (经核实王小明系… after 申请人王小明), so that the redaction does
not leave it standing a line further on — but not where it begins a place's or a firm's name
(向阳 and 竹岛街道向阳社区). Every other identifier found (but plates, whose every
writing the first pass finds) is looked for again in any writing: its letters and digits, each
run of 7 or more of its digits, a mobile's last 11 digits and a landline's local number,
wherever they make up whole segments (runs of only digits or only letters) of a run of letters
and digits joined by spaces, hyphens, dots or underscores, in either width — in web addresses
too. Each such copy becomes a finding of the same kind, so that no significant digits of a
found identifier survive the redaction (3710 0219 8001 0112 34 after 371002198001011234,
ID371002198001011234).

Masks keep the length of the original, so overlapping redactions can be merged character by
character (see :func:`redact`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

KINDS: dict[str, tuple[str, str]] = {
    "resident_id": ("居民身份证号", "resident ID number"),
    "hk_id": ("香港身份证号码", "Hong Kong identity card number"),
    "macau_id": ("澳门身份证号码", "Macao identity card number"),
    "taiwan_id": ("台湾身份证号码", "Taiwan identity card number"),
    "bank_card": ("银行卡号", "bank card number"),
    "passport": ("护照号码", "passport number"),
    "hk_macau_permit": ("港澳通行证件号码", "Hong Kong/Macao travel permit number"),
    "taiwan_permit": ("台湾通行证件号码", "Taiwan travel permit number"),
    "military_id": ("军警证件号码", "military or police ID number"),
    "qq": ("QQ号码", "QQ number"),
    "wechat": ("微信号", "WeChat ID"),
    "mobile": ("手机号码", "mobile phone number"),
    "landline": ("固定电话", "landline phone number"),
    "email": ("电子邮箱", "e-mail address"),
    "license_plate": ("机动车号牌", "vehicle licence plate"),
    "name": ("姓名", "personal name"),
    "address": ("住址", "home address"),
    "birth_date": ("出生日期", "date of birth"),
}

_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}


# ---------------------------------------------------------------------------- width


def _fold_table() -> dict[int, str]:
    """Return the one-for-one fold of full-width and typographic characters to plain ones."""
    table: dict[int, str] = {}
    blocks = ((0x2000, 0x2070), (0x3000, 0x3040), (0xFE50, 0xFE70), (0xFF00, 0xFFEF))
    for first, last in blocks:
        for code in range(first, last):
            folded = unicodedata.normalize("NFKC", chr(code))
            if len(folded) == 1 and folded != chr(code) and (folded.isascii() or folded in "¥£"):
                table[code] = folded
    # NFKC keeps dashes, dots and the no-break space apart; a person typing a number does not.
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d":
        table[ord(ch)] = "-"
    for ch in "\u2022\u2027\u2219\u22c5\u30fb\uff65":
        table[ord(ch)] = "·"
    for ch in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a":
        table[ord(ch)] = " "
    for ch in "\u202f\u205f\u3000":
        table[ord(ch)] = " "
    for ch in "\u00d7\u2169\u2179":  # × Ⅹ ⅹ typed for an ID's check character X
        table[ord(ch)] = "X"
    return table


_FOLD = _fold_table()


def normalize(text: str) -> str:
    """Return ``text`` with full-width and typographic characters folded, offsets unchanged.

    Full-width digits, letters and punctuation become ASCII (３７１０ -> 3710, ＠ -> @,
    （ -> (), dashes and minus signs become '-', middle dots '·', wide and no-break spaces ' '.
    Every character maps to exactly one character, so ``normalize(text)[i]`` is the folded
    ``text[i]``.
    """
    return text.translate(_FOLD)


# ---------------------------------------------------------------------------- shapes


def _words(*words: str) -> re.Pattern[str]:
    """Return a pattern matching any of ``words``, the longer first."""
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


# First two digits of a resident ID: provinces (GB/T 2260), Taiwan, Hong Kong, Macao.
_PROVINCES = frozenset((
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
))  # fmt: skip
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_NB = r"(?<![0-9A-Za-z])"  # not preceded by a digit or ASCII letter
_NA = r"(?![0-9A-Za-z])"  # not followed by one
_GAP = r"(?: ?- ?| {1,2})"  # between the groups of a grouped number

# The first group has three digits or more (370 102 …, 3710 0219 …, 371002 …): no one writes an
# ID digit by digit, and a run of short groups (1 1 1 …) would give a candidate at each.
_ID18 = re.compile(_NB + r"[1-9]\d\d(?:" + _GAP + r"?\d){14}" + _GAP + r"?[0-9Xx]" + _NA)
_ID15 = re.compile(_NB + r"[1-9]\d\d(?:" + _GAP + r"?\d){12}" + _NA)
# A disability certificate's number (残疾人证号): the holder's ID, then the category (1-7) and
# the grade (1-4) of the disability.
_DISABILITY_ID = re.compile(_NB + r"[1-9]\d{16}[0-9Xx][1-7][1-4]" + _NA)
_FIRST_GAP = re.compile(r"[ -]+")
_MOBILE = re.compile(
    _NB
    + r"(?P<prefix>(?:\+|00)?86[ -]?|\(\+?86\) ?)?"
    + r"(?P<body>1[3-9]\d{9}|1[3-9]\d(?P<sep>"
    + _GAP
    + r")\d{4}(?P=sep)\d{4}|1[3-9]\d"
    + _GAP
    + r"\d{8}|1[3-9]\d{5}"  # 139 1234 5678, 139 12345678, 1391234 5678
    + _GAP
    + r"\d{4})"
    + _NA
)
# Hong Kong, Macao and Taiwan numbers after their country code (+852, 00853, (886), or a bare
# 852 after a telephone label): 8 digits in Hong Kong and Macao, written 4-4 or as a run;
# Taiwan's mobiles 9 and 8 more digits, written 3-3-3, 3-6, 1-4-4 or as a run.
_REGIONAL_PHONE = re.compile(
    _NB
    + r"(?:(?P<plus>\+|00)(?P<cc1>852|853|886)|\((?P<plus2>\+)?(?P<cc2>852|853|886)\)"
    + r"|(?P<cc3>852|853|886))(?: ?- ?| {1,2})?"
    + r"(?P<body>\d{4}[ -]?\d{4}|9\d{8}|9\d\d(?P<sep>[ -])\d{3}(?P=sep)\d{3}|9\d\d[ -]\d{6}"
    + r"|9(?P<sep2>[ -])\d{4}(?P=sep2)\d{4})"
    + _NA
)
# A Hong Kong or Macao number without its code where the label itself names the region
# (香港手机：9123 4567, 澳门联系电话：66123456): mainland numbers never stand there.
_REGIONAL_LABELLED = re.compile(
    r"(?P<region>香港|澳门)(?:居民|地区|特区)?的?(?:联系|住宅|家庭|本人)?"
    r"(?:手机|电话|手提电话|流动电话|移动电话)(?:号码|号)?[ \t]*(?:[:：]|为|是)?[ \t]*"
    r"(?P<body>\d{4}[ -]?\d{4})" + _NA
)
# Taiwan's mobiles in the local form (0912-345-678, 0912 345678, 0912345678): 09 collides with
# mainland area codes (0991 Urumqi), so only after a telephone label with a Taiwan cue near it.
_TAIWAN_LOCAL_MOBILE = re.compile(
    _NB + r"(?:09\d{8}|09\d\d(?P<sep>[ -])\d{3}(?P=sep)\d{3}|09\d\d[ -]\d{6})" + _NA
)
_TAIWAN_CUE = re.compile(
    r"台湾|台胞|台商|台资|台籍|台属|台北|新北|桃园|台中|台南|高雄|基隆|新竹|嘉义|苗栗|彰化|南投"
    r"|云林|屏东|宜兰|花莲|台东|澎湖|金门|马祖"
)
# Taiwan's landlines after its country code: a one- or two-digit area code (2 Taipei, 7
# Kaohsiung, 37 Miaoli…), then 6-8 digits (+886-2-2345-6789, +886 7 234 5678, (886)2-2345-6789).
_TAIWAN_LANDLINE = re.compile(
    _NB
    + r"(?:(?:\+|00)886|\(\+?886\)|(?P<bare>886))[ -]?(?:\(0\))?(?P<area>[2-8]\d?)(?P<sep>[ -])"
    + r"(?P<local>\d{3,4}(?P=sep)?\d{4})"
    + _NA
)
# Their local form ((02)2345-6789, 02-2345-6789, (07)234-5678): the mainland has no two-digit
# area code, yet a digit dropped from 021 would read so; only with a Taiwan cue.
_TAIWAN_LOCAL_LANDLINE = re.compile(
    _NB + r"(?:\(0[2-8]\)[ -]?|0[2-8]-)(?:2\d{3}-?\d{4}|[2-9]\d{2,3}-\d{4})" + _NA
)
# A cue after the number names it only within its clause (0912345678（台湾手机）).
_TAIWAN_CUE_BEFORE, _TAIWAN_CUE_AFTER = 60, 20
# A mobile number of the mainland: its mask keeps the last 4 digits; others keep the last 2.
_MAINLAND_MOBILE_DIGITS = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
_REGIONAL_CODE = re.compile(r"(?:00)?(?:852|853|886)")
# Writings of a mobile number found only where a telephone label names it.
_MOBILE_LABELLED = re.compile(
    _NB + r"1[3-9]\d(?:\.\d{4}\.\d{4}|\d(?P<sep>[ .-])\d{3}(?P=sep)\d{4})" + _NA
)
_CARD = re.compile(
    _NB
    + r"(?:[3-6]\d{15,18}|[3-6]\d{3}(?P<sep>[ -])\d{4}(?:(?P=sep)\d{4}){2}(?:(?P=sep)\d{1,3})?)"
    + _NA
)
# Groups of any length, found only where a card label names the number (622908 0112349877).
_CARD_LABELLED = re.compile(_NB + r"[3-6]\d{3,8}(?: \d{2,15}){1,4}" + _NA)
# Table cells run together by a PDF's text (…3706831986051937191396310…): IDs and mobiles.
_GLUED = re.compile(_NB + r"[0-9Xx]{29,}+" + _NA)  # possessive: a long run is read once
_GLUED_MOBILE = re.compile(r"1[3-9]\d{9}")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])"
    r"[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
    r"(?![A-Za-z0-9-])"
)
# An e-mail address written so that crawlers miss it: the @ and the dots in words or brackets.
_OPEN, _CLOSE = r"[\[(<{【]", r"[\])>}】]"
_OBFUSCATED_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])"
    r"(?P<local>[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,63}[A-Za-z0-9_%+-])?)"
    r"(?P<at> ?# ?| ?" + _OPEN + r" ?(?:at|AT|艾特) ?" + _CLOSE + r" ?| (?:at|AT) )"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.| ?" + _OPEN + r" ?(?:dot|DOT|点) ?" + _CLOSE + r" ?| (?:dot|DOT) )){1,4}[A-Za-z]{2,6})"
    r"(?![A-Za-z0-9-])"
)
_DOTS = re.compile(r" ?" + _OPEN + r" ?(?:dot|DOT|点) ?" + _CLOSE + r" ?| (?:dot|DOT) ")
_MAIL_PROVIDERS = frozenset((
    "163.com", "126.com", "yeah.net", "qq.com", "vip.qq.com", "foxmail.com", "sina.com",
    "sina.cn", "vip.sina.com", "sohu.com", "aliyun.com", "139.com", "189.cn", "wo.cn",
    "gmail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
))  # fmt: skip
_MAIL_LABELS = re.compile(r"邮箱|邮件|电邮|信箱|e-?mail|mail", re.I)
_AREA = r"0(?:10|2\d|[3-9]\d{2})"
# Writings of a landline found only where a telephone label names it.
_LANDLINE_LABELLED = re.compile(
    _NB + r"(?:\(" + _AREA + r"\) ?|" + _AREA + r"[ -])[2-8]\d{2,3}[ -]\d{4}" + _NA
)
_LANDLINE = re.compile(
    _NB
    + r"(?:\((?P<area1>"
    + _AREA
    + r")\) ?|(?P<area2>"
    + _AREA
    + r")(?P<sep> ?-{1,2} ?| )?|(?:\+|00)86 ?-? ?\(?(?P<area3>"
    + _AREA[1:]
    + r")\)?(?: ?- ?| )?)(?P<local>[2-8]\d{6,7})"
    + _NA
)
# A landline in groups after its area code (0755 8123 4567, 010-6512-3456): one separator.
_LANDLINE_GROUPED = re.compile(  # the 0 first: a search finds a literal fast
    r"0(?<![0-9A-Za-z]0)(?:10|2\d|[3-9]\d{2})(?P<sep>[ -])[2-8]\d{3}(?P=sep)\d{4}" + _NA
)
_TRAVEL = re.compile(
    _NB + r"(?:[A-Z]{1,2}\d{7,10}|\d{10}\([A-Z0-9]\)|\d{8}(?:\d{2})?|\d{9}|[0-9A-Z]{8,9})" + _NA
)
_TRAVEL_SHAPES = {
    # China's: one or two letters and 7-8 digits, E followed by 8; other countries': 9 digits
    # (the United States, the United Kingdom, Russia), three letters and six digits (Spain),
    # or 8-9 letters and digits with four digits or more (12AB34567, C01X00T47).
    "passport": re.compile(
        r"(?!E\d{7}$)(?:[A-Z]{1,2}\d{7,8}|\d{9}|[A-Z]{2,3}\d{6}"
        r"|(?=.*[A-Z])(?=(?:.*\d){4})[0-9A-Z]{8,9})"
    ),
    "hk_macau_permit": re.compile(r"C[0-9A-HJ-NP-Z]\d{7}|[HM]\d{8}(?:\d{2})?"),
    "taiwan_permit": re.compile(r"\d{8}|\d{10}(?:\([A-Z0-9]\))?|L\d{8}"),
}
_TRAVEL_WORDS = {
    "passport": ("护照", "passport", "PASSPORT", "Passport"),
    "hk_macau_permit": (
        "港澳通行证", "往来港澳", "来往港澳", "回乡证", "来往内地通行证", "往来内地通行证",
    ),
    "taiwan_permit": (
        "台胞证", "来往大陆通行证", "往来大陆通行证", "往来台湾通行证", "来往台湾通行证",
        "台湾通行证", "大陆居民往来台湾",
    ),
}  # fmt: skip
_ANY_TRAVEL_WORD = _words(*(w for words in _TRAVEL_WORDS.values() for w in words))
_TRAVEL_LABELS = {kind: _words(*words) for kind, words in _TRAVEL_WORDS.items()}
_TRAVEL_WINDOW = 40
_TRAVEL_BREAKS = re.compile(r"[。\n]")
_LIST_GAP = re.compile(r"[ 、,;/和及与]{1,3}")  # between the numbers of a list
_TRAVEL_AFTER = re.compile(r"[ (\[【]{0,2}[^，,。；;！？!?\n0-9A-Za-z]{2,12}")
_TRAVEL_AFTER_REACH = 14  # the longest _TRAVEL_AFTER match
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PLATE_LABELS = re.compile(r"车牌|号牌|牌照|车号|车辆")
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼] ?"
    r"[A-HJ-NP-Z][·. -]?"
    r"(?P<body>[A-HJK][A-HJ-NP-Z0-9]\d{4}|\d{5}[A-HJK]|[A-HJ-NP-Z0-9]{4}[0-9A-HJ-NP-Z挂学警港澳领])"
    + _NA
)

# Labels before a number. The nearest label within the window decides what the number is;
# a sentence break (，。；…) ends the window.
_ID_WORDS = ("身份证", "公民身份号码", "身份号码", "证件号", "证件号码", "身份证件")
_CARD_WORDS = ("银行卡", "卡号", "账号", "帐号", "账户", "帐户", "储蓄卡", "信用卡", "借记卡")
_PHONE_WORDS = (
    "电话", "手机", "联系方式", "座机", "传真", "热线", "致电", "拨打", "Tel", "TEL", "tel",
    "来电", "微信",
)  # fmt: skip
_OTHER_NUMBERS = (
    "文号", "编号", "单号", "订单", "流水号", "发票", "代码", "批号", "案号", "合同号", "序列号",
    "注册号", "登记号", "档案号", "税号", "交易号", "条码", "识别码", "串号", "IMEI", "imei",
    "运单", "工单", "证书号", "许可证号", "登记证号", "识别号", "纳税人", "批次", "编码", "型号",
    "档号", "卷号", "备案号", "批准号", "货号", "款号", "准考证", "考生号", "考号", "学籍号",
    "受理号", "办件号",
)  # fmt: skip
_AMOUNT_WORDS = (
    "金额", "总额", "合计", "总计", "共计", "累计", "余额", "预算", "决算", "产值", "收入",
    "支出", "营业额", "销售额", "用电量", "发电量", "用水量", "总量", "人口", "数量", "总投资",
    "投资额", "项目资金", "资金总额", "造价", "报价",
)  # fmt: skip
_ID_LABELS = _words(*_ID_WORDS)
_CARD_LABELS = _words(*_CARD_WORDS)
_PHONE_LABELS = _words(*_PHONE_WORDS)
_OTHER_FOR_ID15 = _words(*_OTHER_NUMBERS, *_CARD_WORDS)
_OTHER_FOR_CARDS = _words(*_OTHER_NUMBERS, *_ID_WORDS)
_OTHER_FOR_PHONES = _words(*_OTHER_NUMBERS, *_CARD_WORDS, *_AMOUNT_WORDS)
# An account may be a mobile number (支付宝账号13012345566); a card's number is not.
_OTHER_FOR_MOBILES = _words(
    *_OTHER_NUMBERS, *(w for w in _CARD_WORDS if w[0] not in "账帐"), *_AMOUNT_WORDS
)
_AMOUNT_LABELS = _words(*_AMOUNT_WORDS)
# 证件编号, 护照编号 and 通行证编号 name the document's own number.
_OTHER_FOR_TRAVEL = re.compile(
    _words(
        *(w for w in _OTHER_NUMBERS if w != "编号"),
        *_PHONE_WORDS, *_AMOUNT_WORDS, "有效期", "日期", "出生", "邮编", "邮政编码", "签证",
    ).pattern
    + r"|(?<![证照件])编号"
)  # fmt: skip
# Right after a word ending in 号 that names no telephone (档号, 卷号…; not 12号 or 六十八号,
# the end of an address), or after 第: another number.
# An account (账号) may be a telephone number: it is left to the labels.
_ORDINAL_BEFORE = re.compile(r"(?:(?<![0-9〇零一二三四五六七八九十百千两账帐])号\s?:?|第)\s?$")
_AFTER_SEX = re.compile(r"[男女][，,、：:\s]?$")  # 姓名，性别，身份证号 — the usual column order
_FIRM = re.compile(r"公司|企业|合作社|商行|经营部|个体工商户|[厂店馆]")
_BREAKS = re.compile(r"[，,。；;！？!?\n]")
_CLOSED_NUMBER = re.compile(r"[0-9][0-9A-Za-z-]*\s?[\u4e00-\u9fff]")  # a number, then words
_DIGIT = re.compile(r"[0-9]")
_JOINED = re.compile(r"(?:号码|号)?[及和与、/][^0-9]*$")  # 身份证号及银行账号
_WINDOW = 12

# An amount or a statistic: a currency before it, a decimal part or a unit after it.
_CURRENCY_BEFORE = re.compile(
    r"(?:[¥$€£]|RMB|CNY|人民币|美元|港币|港元|\((?:万|亿)?(?:美|港)?元\)[:]?)\s?$"
)
_DECIMAL_BEFORE = re.compile(r"\d\.$")
_UNIT_AFTER = re.compile(
    r"\s?(?:\.\d|[万亿]|(?:美|港|欧|日|韩)?元|英镑|千瓦时|千瓦|兆瓦|瓦时|度电|kWh|KWh|kwh|"
    r"平方米|平方公里|平米|立方米|公顷|亩|公里|千米|公斤|千克|克|吨|人次|户次|车次|架次|"
    r"余[人户次件元]|多[人户次件]|[%‰℃]|个百分点|倍)"
)
# One-character counters also begin words (人民路, 户籍, 个人, 名下): those do not count.
# After a space, a counter must end the phrase: else it begins the next column or name
# (13863158899 项某, 13791231234 台儿庄区).
_COUNTER_AFTER = re.compile(
    r"(?:\s(?=.(?:[^\u4e00-\u9fff]|$)))?(?!人[民社大才员事力]|户[籍口主名头外]|个[人体]|台[州湾山前北南]|名[单称下]|家[庭属住]|"
    r"项目|份额|次[日月年])[人户次个件台辆笔名家项份册套株头只]"
)
_UNIT_AFTER_CARD = re.compile(r"\s*(?:元|万元|亿元|美元|平方米|千克|公斤|吨|立方米)")


@dataclass(frozen=True)
class Finding:
    """A candidate personal identifier, for the reviewer to confirm or dismiss."""

    id: str
    kind: str
    start: int
    end: int
    text: str
    masked: str


@dataclass(frozen=True)
class Redaction:
    """Replace ``text[start:end]`` with ``replacement`` in the disclosed text."""

    start: int
    end: int
    replacement: str


def _before(text: str, start: int, width: int = _WINDOW, breaks: re.Pattern[str] = _BREAKS) -> str:
    """Return up to ``width`` characters before ``start``, cut at the last sentence break."""
    window = text[max(0, start - width) : start]
    cut = -1
    for m in breaks.finditer(window):
        cut = m.end()
    return window[cut:] if cut >= 0 else window


def _last_label(window: str, words: re.Pattern[str]) -> int:
    """Return where the last of ``words`` in ``window`` ends, or -1."""
    last = -1
    for m in words.finditer(window):
        last = m.end()
    return last


def _label(text: str, start: int, positive: re.Pattern[str], negative: re.Pattern[str]) -> int:
    """Return 1 if the nearest label is positive, -1 if negative, 0 if there is none.

    A negative label followed by the number it names (编号XF001 王某 138…, 收入 800元 138…,
    人口：2 138…) does not name this one; labels joined into one heading (身份证号及银行账号)
    name neither number alone.
    """
    window = _before(text, start)
    pos, neg = _last_label(window, positive), _last_label(window, negative)
    if neg > pos and (
        _CLOSED_NUMBER.search(window, neg)
        or (_last_label(window, _AMOUNT_LABELS) == neg and _DIGIT.search(window, neg))
    ):
        neg = -1
    if min(pos, neg) >= 0 and _JOINED.match(window[min(pos, neg) : max(pos, neg)]):
        return 0
    if pos < 0 and neg < 0:
        return 0
    return 1 if pos >= neg else -1


def _phone_label(text: str, start: int, negative: re.Pattern[str] = _OTHER_FOR_PHONES) -> int:
    """Return 1 if a telephone label names the number at ``start``, -1 if another, else 0."""
    label = _label(text, start, _PHONE_LABELS, negative)
    if label == 0 and _ORDINAL_BEFORE.search(text, max(0, start - 4), start):
        return -1
    return label


def _luhn(digits: str) -> bool:
    """Return whether ``digits`` pass the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def id_check_char(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits of a resident ID."""
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _real_date(year: int, month: int, day: int) -> bool:
    """Return whether the date exists and lies between 1900-01-01 and today."""
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def _region_ok(digits: str) -> bool:
    """Return whether an ID starts with a real province code (or 9, foreigners' card)."""
    return digits[:2] in _PROVINCES or digits[0] == "9"


def _valid_id18(value: str) -> bool:
    """Return whether ``value`` is a well-formed 18-character resident ID."""
    body = value[:17]
    return (
        _region_ok(value)
        and _real_date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
        and id_check_char(body) == value[17].upper()
    )


def _valid_id15(value: str) -> bool:
    """Return whether ``value`` has the shape of a 15-digit resident ID (no check digit)."""
    return value[:2] in _PROVINCES and _real_date(
        1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])
    )


def _grouped_inside_longer(text: str, start: int, end: int) -> bool:
    """Return whether a grouped number continues a group of 1-4 digits on either side."""
    return bool(
        re.search(r"(?<![0-9])\d{1,4}[ -]$", text[max(0, start - 6) : start])
        or re.match(r"[ -]\d{1,4}(?![0-9])", text[end : end + 6])
    )


def _amount(text: str, start: int, end: int, labelled: bool) -> bool:
    """Return whether the number at ``start:end`` reads as an amount or a statistic.

    A one-character counter after it (人, 户, 次…) counts only when no telephone label names
    the number (``labelled``).
    """
    before = text[max(0, start - 6) : start]
    return bool(
        _CURRENCY_BEFORE.search(before)
        or _DECIMAL_BEFORE.search(before)
        or _UNIT_AFTER.match(text, end)
        or (not labelled and _COUNTER_AFTER.match(text, end))
    )


Candidate = tuple[int, int, str]


_NO_GAPS = str.maketrans("", "", " -")


def _groups_consistent(value: str) -> str | None:
    """Return the digits of a grouped number, or None if its separators differ."""
    gaps = set(re.findall(r"[^0-9Xx]+", value))
    if len(gaps) > 1:
        return None
    return re.sub(r"[^0-9Xx]", "", value)


def _grouped_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Yield the matches of ``pattern``, and those starting at a later group inside a match.

    A grouped candidate that fails its check must not hide one that starts inside it
    (序号 1 3710 0219 8001 0112 34).
    """
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        yield m
        gap = _FIRST_GAP.search(text, m.start(), m.end())
        pos = gap.end() if gap else m.end()


def _resident_ids(text: str) -> Iterator[Candidate]:
    """Yield 18- and 15-character resident IDs, as a run or grouped."""
    # The digits are checked before the groups: a run of short groups (111 111 …) gives a
    # candidate at every group, and most fail the cheaper check.
    for m in _grouped_matches(_ID18, text):
        value = m.group()
        grouped = len(value) != 18
        if not _valid_id18(value.translate(_NO_GAPS) if grouped else value):
            continue
        if not grouped or _groups_consistent(value):
            yield m.start(), m.end(), "resident_id"
    for m in _DISABILITY_ID.finditer(text):
        if _valid_id18(m.group()[:18]):
            yield m.start(), m.end(), "resident_id"
    for m in _grouped_matches(_ID15, text):
        value = m.group()
        grouped = len(value) != 15
        if grouped and not _ID_LABELS.search(text, max(0, m.start() - _WINDOW), m.start()):
            continue  # in groups, only after an ID keyword (below); this is the cheap test
        digits = value.translate(_NO_GAPS) if grouped else value
        if not _valid_id15(digits) or (grouped and not _groups_consistent(value)):
            continue
        label = _label(text, m.start(), _ID_LABELS, _OTHER_FOR_ID15)
        if label == 0 and not grouped:
            label = _unlabelled_id15(text, m.start(), digits)
        if label > 0:
            yield m.start(), m.end(), "resident_id"


def _mod11_10(digits: str) -> bool:
    """Return whether ``digits`` pass ISO 7064 MOD 11,10 (business registration numbers)."""
    p = 10
    for ch in digits[:-1]:
        p = ((p + int(ch)) % 10 or 10) * 2 % 11
    return (p + int(digits[-1])) % 10 == 1


def _unlabelled_id15(text: str, start: int, value: str) -> int:
    """Return 1 if an unlabelled 15-digit number is taken for an ID, else -1."""
    if _AFTER_SEX.search(text[max(0, start - 3) : start]):
        return 1
    sep = _ID_AFTER_NAME.search(text, max(0, start - 2), start)
    if sep and _row_name_before(text, sep.start()) >= 0:
        return 1  # a list's item: the holder's name, then his ID (宋敏勇（1101…）)
    if _luhn(value):  # an IMEI or a 15-digit card is as likely
        return -1
    if _mod11_10(value) and _FIRM.search(text[max(0, start - 20) : start]):
        return -1  # a business registration number after the firm's name
    return 1


def _card_scheme(digits: str) -> bool:
    """Return whether the first digits and the length fit a card scheme issued in China."""
    if digits[0] == "4":  # Visa
        return len(digits) in (16, 19)
    if digits[0] == "5":  # Mastercard
        return len(digits) == 16 and "51" <= digits[:2] <= "55"
    if digits[0] == "3":  # JCB (American Express has 15 digits)
        return digits[:2] == "35"
    return True  # 6: UnionPay 62, Discover 60/64/65, 16-19 digits


def _bank_cards(text: str) -> Iterator[Candidate]:
    """Yield bank card numbers."""
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if not (_card_scheme(digits) and _luhn(digits)):
            continue
        if _UNIT_AFTER_CARD.match(text, m.end()) or _amount(text, m.start(), m.end(), True):
            continue
        if m.group("sep") and _grouped_inside_longer(text, m.start(), m.end()):
            continue
        if _label(text, m.start(), _CARD_LABELS, _OTHER_FOR_CARDS) < 0:
            continue
        yield m.start(), m.end(), "bank_card"
    for m in _CARD_LABELLED.finditer(text):
        digits = m.group().replace(" ", "")
        if not (16 <= len(digits) <= 19 and _card_scheme(digits) and _luhn(digits)):
            continue
        if _label(text, m.start(), _CARD_LABELS, _OTHER_FOR_CARDS) > 0:
            yield m.start(), m.end(), "bank_card"


def _mobiles(text: str) -> Iterator[Candidate]:
    """Yield mobile phone numbers."""
    for m in _MOBILE.finditer(text):
        grouped = " " in m.group("body") or "-" in m.group("body")
        if grouped and _grouped_inside_longer(text, m.start(), m.end()):
            continue
        label = _phone_label(text, m.start(), _OTHER_FOR_MOBILES)
        if label < 0 or _amount(text, m.start(), m.end(), label > 0):
            continue
        yield m.start(), m.end(), "mobile"
    yield from _labelled_phones(text, _MOBILE_LABELLED, "mobile")  # 138.6311.2468, 1380 631 2233
    yield from _regional_phones(text)
    for m in _TAIWAN_LOCAL_MOBILE.finditer(text):
        if (
            _taiwan_cue(text, m.start(), m.end())
            and _label(text, m.start(), _PHONE_LABELS, _OTHER_FOR_MOBILES) > 0
            and not _amount(text, m.start(), m.end(), True)
        ):
            yield m.start(), m.end(), "mobile"


def _taiwan_cue(text: str, start: int, end: int) -> bool:
    """Return whether Taiwan is named before a number or in its own clause after it."""
    after = text[end : end + _TAIWAN_CUE_AFTER]
    after = after[: m.start()] if (m := _BREAKS.search(after)) else after
    before = _TAIWAN_CUE.search(text, max(0, start - _TAIWAN_CUE_BEFORE), start)
    return before is not None or _TAIWAN_CUE.search(after) is not None


def _taiwan_landlines(text: str) -> Iterator[Candidate]:
    """Yield Taiwan's landlines: after +886 (or 886 after a label), or local with a Taiwan cue.

    Both need a telephone label; an agency's published line is left out, as on the mainland.
    """
    if "886" in text:
        for m in _TAIWAN_LANDLINE.finditer(text):
            digits = m.group("area") + m.group("local").translate(_NO_GAPS)
            label = _phone_label(text, m.start(), _OTHER_FOR_MOBILES)
            if not 8 <= len(digits) <= 9 or label < 0 or (m.group("bare") and label == 0):
                continue
            if not _amount(text, m.start(), m.end(), True) and not _public_line(text, m.start()):
                yield m.start(), m.end(), "landline"
    for m in _TAIWAN_LOCAL_LANDLINE.finditer(text):
        if (
            _taiwan_cue(text, m.start(), m.end())
            and _label(text, m.start(), _PHONE_LABELS, _OTHER_FOR_PHONES) > 0
            and not _amount(text, m.start(), m.end(), True)
            and not _public_line(text, m.start())
        ):
            yield m.start(), m.end(), "landline"


def _regional_kind(code: str, body: str) -> str | None:
    """Return the kind of a Hong Kong, Macao or Taiwan number after its country code, if any.

    Hong Kong's mobiles start 4-9 and its landlines 2 or 3; Macao's mobiles start 6 and its
    landlines 28; Taiwan's mobiles are 9 and 8 more digits (its landlines are left alone).
    """
    digits = body.translate(_NO_GAPS)
    if code == "886":
        return "mobile" if len(digits) == 9 and digits[0] == "9" else None
    if len(digits) != 8:
        return None
    if code == "852":
        if digits[0] in "23":
            return "landline"
        return "mobile" if digits[0] in "456789" else None  # 1 and 0: service numbers
    if digits[0] == "6":
        return "mobile"
    return "landline" if digits.startswith("28") else None


def _regional_phones(text: str) -> Iterator[Candidate]:
    """Yield Hong Kong, Macao and Taiwan mobiles and landlines written with a country code.

    With + or 00 or in brackets the code is sure; a bare 852, 853 or 886 needs a telephone
    label; without the code, a label that names the region (香港手机：9123 4567). A landline
    an agency publishes to be called (查询热线：(852) 2824 6111) is left out.
    """
    for m in _REGIONAL_PHONE.finditer(text):
        code = m.group("cc1") or m.group("cc2") or m.group("cc3")
        kind = _regional_kind(code, m.group("body"))
        if kind is None:
            continue
        grouped = m.group("sep") or m.group("sep2") or not m.group("body").isdigit()
        if grouped and _grouped_inside_longer(text, m.start(), m.end()):
            continue
        label = _phone_label(text, m.start(), _OTHER_FOR_MOBILES)
        if label < 0 or (m.group("cc3") and label == 0):
            continue
        if _amount(text, m.start(), m.end(), label > 0):
            continue
        if kind == "landline" and _public_line(text, m.start()):
            continue
        yield m.start(), m.end(), kind
    for m in _REGIONAL_LABELLED.finditer(text):
        start, end = m.span("body")
        kind = _regional_kind("852" if m.group("region") == "香港" else "853", m.group("body"))
        if kind is None or _amount(text, start, end, True):
            continue
        grouped = " " in m.group("body") or "-" in m.group("body")
        if grouped and _grouped_inside_longer(text, start, end):
            continue
        if kind == "mobile" or not _public_line(text, start):
            yield start, end, kind


def _glued(text: str) -> Iterator[Candidate]:
    """Yield the IDs and mobiles of a run of digits that is nothing but those, run together.

    The run must hold at least one resident ID, whose check character makes the reading
    sure; read from the left, each place takes an ID if one fits there, else a mobile.
    """
    for m in _GLUED.finditer(text):
        run, at, found = m.group(), 0, []
        while at < len(run):
            piece = run[at : at + 18]
            if len(piece) == 18 and piece[:17].isdigit() and _valid_id18(piece):
                found.append((m.start() + at, m.start() + at + 18, "resident_id"))
                at += 18
            elif _GLUED_MOBILE.match(run, at):
                found.append((m.start() + at, m.start() + at + 11, "mobile"))
                at += 11
            else:
                break
        if at == len(run) and any(kind == "resident_id" for _, _, kind in found):
            yield from found


def _landlines(text: str) -> Iterator[Candidate]:
    """Yield landline phone numbers."""
    for m in _LANDLINE.finditer(text):
        area = m.group("area1") or m.group("area2") or "0" + m.group("area3")
        if len(area) == 3 and len(m.group("local")) != 8:
            continue
        label = _phone_label(text, m.start())
        if label < 0 or _amount(text, m.start(), m.end(), label > 0):
            continue
        if not _public_line(text, m.start()):
            yield m.start(), m.end(), "landline"
    for m in _LANDLINE_GROUPED.finditer(text):
        label = _phone_label(text, m.start())
        unit = label < 0 or _amount(text, m.start(), m.end(), label > 0)
        if not unit and not _public_line(text, m.start()):
            yield m.start(), m.end(), "landline"
    for start, end, kind in _labelled_phones(text, _LANDLINE_LABELLED, "landline"):
        if not _public_line(text, start):  # 021-6410 1234
            yield start, end, kind


# A landline an agency publishes to be called: after 咨询电话, 监督电话, 举报电话, 服务热线…, or
# the contact of a purchaser or an agent (采购人联系方式), also the later ones of a list.
_PUBLIC_LINE_BEFORE = re.compile(
    r"(?:(?:咨询|监督|举报|投诉|服务|值班|办公室?|受理|回复|查询|求助|预约)(?:电话|热线|专线)"
    r"|(?:企业|单位|公司)(?:联系)?(?:电话|方式)"
    r"|承办人[:： ]*[\u4e00-\u9fff·]{2,6}[，, ]*(?:联系)?电话"
    # a contact who is an office (联系人：派出所户籍室，电话…; 联系人：镇服务站刘站长，电话…)
    r"|联系人[:： ]*[^，,。；;:：]{0,16}?(?:所|室|站|局|办|中心|科|股|处|委员会)"
    r"[^，,。；;:：\n]{0,6}[，, ]*(?:联系)?电话"
    r"|热线(?:电话)?|(?:采购人|采购单位|采购代理机构|代理机构|招标人|招标代理机构|监督部门|主管部门"
    r"|受理机构|受理单位)的?(?:联系)?(?:电话|方式)"
    # where a notice's objections or opinions are sent (异议书面材料送达地址：…　联系电话：)
    r"|(?:异议|意见|材料)[^，,。；;:：\n]{0,8}(?:送达|邮寄|受理|反馈|接收)地址[:：][^\n]{0,50}?"
    r"(?:联系)?电话)"
    r"(?:号码)?[:： \t]*(?:[0-9()+\- ]{3,20}(?:[、/,，]|或|和|及)[ \t]*){0,4}$"
)
_PUBLIC_LINE_WINDOW = 80


def _public_line(text: str, start: int) -> bool:
    """Return whether the landline at ``start`` is one an agency publishes to be called."""
    window = text[max(0, start - _PUBLIC_LINE_WINDOW) : start]
    cheap = "电话" in window or "热线" in window or "专线" in window or "方式" in window
    return cheap and _PUBLIC_LINE_BEFORE.search(window) is not None


def _labelled_phones(text: str, pattern: re.Pattern[str], kind: str) -> Iterator[Candidate]:
    """Yield the numbers of ``pattern`` that a telephone label names and no unit follows."""
    for m in pattern.finditer(text):
        labelled = _label(text, m.start(), _PHONE_LABELS, _OTHER_FOR_PHONES) > 0
        if labelled and not _amount(text, m.start(), m.end(), True):
            yield m.start(), m.end(), kind


def _looks_like_date(digits: str) -> bool:
    """Return whether eight digits read as a date YYYYMMDD between 1900 and 2099."""
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _travel_documents(text: str) -> Iterator[Candidate]:
    """Yield passports and travel permits named by a word before them (or right after them).

    A number listed right after one already found (E12345678、E23456789) is of the same kind
    when no word names it otherwise.
    """
    if not _ANY_TRAVEL_WORD.search(text):
        return
    last_end, last_kind = -1, ""
    for m in _TRAVEL.finditer(text):
        value = m.group()
        listed = last_end >= 0 and _LIST_GAP.fullmatch(text, last_end, m.start())
        # The cheap test first: no word for a travel document within reach, before or after.
        near = max(0, m.start() - _TRAVEL_WINDOW), m.end() + _TRAVEL_AFTER_REACH
        if not listed and not _ANY_TRAVEL_WORD.search(text, *near):
            continue
        kind = _travel_kind_before(text, m.start(), value)
        if kind is None and listed and _travel_shape(last_kind, value):
            kind = last_kind
        if kind is None:
            kind = _travel_kind_after(text, m.end(), value)
        if kind is not None:
            last_end, last_kind = m.end(), kind
            yield m.start(), m.end(), kind


def _travel_shape(kind: str, value: str) -> bool:
    """Return whether ``value`` is written as a number of this kind of travel document."""
    if not _TRAVEL_SHAPES[kind].fullmatch(value):
        return False
    return not (value[:8].isdigit() and _looks_like_date(value))


def _travel_kind_before(text: str, start: int, value: str) -> str | None:
    """Return the kind the nearest travel document's name before ``start`` gives, if any."""
    window = _before(text, start, _TRAVEL_WINDOW, _TRAVEL_BREAKS)
    named = sorted(
        ((_last_label(window, words), kind) for kind, words in _TRAVEL_LABELS.items()),
        reverse=True,
    )
    negative = _last_label(window, _OTHER_FOR_TRAVEL)
    for at, kind in named:
        if at < 0 or at < negative:
            return None
        if not _travel_shape(kind, value):
            continue
        # A bare number must be the first number after the word.
        if value[0].isdigit() and any(ch.isdigit() for ch in _TRAVEL.sub("", window[at:])):
            return None
        return kind
    return None


def _travel_kind_after(text: str, end: int, value: str) -> str | None:
    """Return the kind a travel document's name right after the number gives (E12345678（护照）)."""
    window = _TRAVEL_AFTER.match(text, end)
    if window is None:
        return None
    for kind, words in _TRAVEL_LABELS.items():
        if words.search(window.group()) and _travel_shape(kind, value):
            return kind
    return None


def _emails(text: str) -> Iterator[Candidate]:
    """Yield e-mail addresses, also those written with the @ and dots in words or brackets."""
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "email"
    for m in _OBFUSCATED_EMAIL.finditer(text):
        at = m.group("at").strip()
        if at == "#" or at.lower() == "at":
            domain = _DOTS.sub(".", m.group("domain")).lower()
            labelled = _MAIL_LABELS.search(_before(text, m.start(), 20)) is not None
            if not labelled and (at.lower() == "at" or domain not in _MAIL_PROVIDERS):
                continue
        yield m.start(), m.end(), "email"


def _plates(text: str) -> Iterator[Candidate]:
    """Yield vehicle licence plates; one typed in small letters (鲁k12345) after a plate's label."""
    upper = text.translate(_ASCII_UPPER)
    for m in _PLATE.finditer(upper):
        body = m.group("body")
        if len(body) == 5 and sum(ch.isascii() and ch.isalpha() for ch in body) > 2:
            continue
        small = text[m.start() : m.end()] != m.group()
        if small and not _PLATE_LABELS.search(_before(text, m.start())):
            continue
        yield m.start(), m.end(), "license_plate"


# ---------------------------------------------------------------------------- military IDs

# The identity documents of soldiers, officers, civilian staff, retired cadres and policemen.
_MILITARY_WORDS = (
    "军官证", "士兵证", "士官证", "文职干部证", "文职人员证", "军人身份证", "军人证", "警官证",
    "人民警察证", "离退休干部证", "离休干部证", "退休干部证",
)  # fmt: skip
_MILITARY_LABEL = r"(?:武警|军队)?(?:" + _words(*_MILITARY_WORDS).pattern + r")"
# The number: one or two characters, 字第, 6-10 digits, 号 (南字第1234567号), or 6-10 digits.
_MILITARY_NUMBER = r"[\u4e00-\u9fff]{1,2}字第\d{6,10}号|\d{6,10}" + _NA
# Right after the label and its 号/号码/编号, a colon, 为 or a bracket (文职干部证（政字第…）).
_MILITARY_ID = re.compile(
    _MILITARY_LABEL
    + r"件?(?:证?(?:号码|编号|号))?[ \t]*(?:[:：]|为|是)?[ \t]*(?:\([ \t]*)?"
    + r"(?P<number>"
    + _MILITARY_NUMBER
    + r")"
)
# The 字第 form with the label right after it (持有南字第1234567号军官证).
_MILITARY_ID_BEFORE_LABEL = re.compile(
    r"(?P<number>[\u4e00-\u9fff]字第\d{6,10}号)(?=的?" + _MILITARY_LABEL + r")"
)


# A further number listed right after one found (南字第1234567号、南字第2345678号): the same kind.
_MILITARY_NEXT = re.compile(
    r"[ \t]*(?:[、,，/;；]|和|及|与|或)[ \t]*(?P<number>[\u4e00-\u9fff]{1,2}字第\d{6,10}号|\d{6,10}"
    + _NA
    + r")"
)
# A policeman's badge number (警号), 6 or 7 digits, only after its label; not 报警号码.
_POLICE_BADGE = re.compile(
    r"(?<!报)警号(?:码)?[ \t]*(?:[:：]|为|是)?[ \t]*(?:\([ \t]*)?(?P<number>\d{6,7})" + _NA
)
# An agency's own officers acting in office, as its decisions list them (执法人员：张伟（警号
# 012345）): their badges are published with their names, not a private person's particulars.
_OWN_OFFICERS = re.compile(
    r"(?:执法|办案|调查|检查|询问|处警|出警|执勤|值勤|处理)(?:人员|民警|交警)|承办人|主办人|协办人"
    r"|记录人|(?:交通警察|交警|民警)[ \t]*[:：]"  # a decision's own officer (交通警察：张伟　警号…)
)
_OWN_OFFICERS_WINDOW = 40
# A veteran's preferential treatment card (退役军人优待证) and its number, only after its label.
_VETERAN_CARD = re.compile(
    r"优待证(?:号码|编号|号)[ \t]*(?:[:：]|为|是)?[ \t]*(?P<number>[A-Z]{0,2}\d{6,20})" + _NA
)
_COUNT_AFTER = re.compile(r"\s?[张份个本枚件名人]")  # 优待证编号：2023000123张 is a count


def _military_ids(text: str) -> Iterator[Candidate]:
    """Yield the numbers of military and police identity documents named by their label.

    A plain number must not read as a date (YYYYMMDD) or a count (士兵证123456份). Numbers
    listed right after one found are found too; so are police badge numbers (警号) outside
    an agency's list of its own officers, and 退役军人优待证 numbers.
    """
    if "证" in text:
        for m in _MILITARY_ID.finditer(text):
            start, end = m.span("number")
            value = m.group("number")
            if value.isdigit() and (
                (len(value) == 8 and _looks_like_date(value)) or _amount(text, start, end, False)
            ):
                continue
            yield start, end, "military_id"
            yield from _listed_after(text, end, value.isdigit())
        for m in _MILITARY_ID_BEFORE_LABEL.finditer(text):
            yield m.start("number"), m.end("number"), "military_id"
        for m in _VETERAN_CARD.finditer(text):
            start, end = m.span("number")
            if not (_amount(text, start, end, False) or _COUNT_AFTER.match(text, end)):
                yield start, end, "military_id"
    if "警号" in text:
        for m in _POLICE_BADGE.finditer(text):
            start, end = m.span("number")
            line_start = _last_match(_SENTENCE_START, text, max(0, start - 80), start)
            low = max(line_start.end() if line_start else 0, start - _OWN_OFFICERS_WINDOW)
            if _OWN_OFFICERS.search(text, low, start) or _COUNT_AFTER.match(text, end):
                continue
            yield start, end, "military_id"
            yield from _listed_after(text, end, True)


def _listed_after(text: str, end: int, digits: bool) -> Iterator[Candidate]:
    """Yield the numbers of the same shape listed right after a military ID ending at ``end``."""
    while (m := _MILITARY_NEXT.match(text, end)) and m.group("number").isdigit() == digits:
        start, end = m.span("number")
        if digits and _amount(text, start, end, False):
            return
        yield start, end, "military_id"


# ---------------------------------------------------------------------------- QQ and WeChat

# QQ, QQ号, QQ号码, 扣扣 (a QQ/微信 heading too), then the number; not a QQ group (QQ群).
_QQ = re.compile(
    r"(?<![A-Za-z])(?:[Qq]{2}|扣扣)(?:号码|号)?(?:[/、]微信号?)?[ \t]*(?:[:：]|为|是)?[ \t]*"
    r"(?P<number>[1-9]\d{4,10})" + _NA
)
_WECHAT = re.compile(
    r"(?:(?<![A-Za-z])(?:[Ww][Ee][Cc][Hh][Aa][Tt](?: ?(?:ID|Id|id))?|[Ww][Xx])(?![A-Za-z])"
    r"|微信(?:号码|号|账号|ID|id)?)(?:[/、](?:[Qq]{2}))?[ \t]*(?:[:：]|为|是)?[ \t]*"
    r"(?P<id>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9@]|\.[A-Za-z0-9])"
)
# An agency's own account (官方微信：whfabu, 政务微信) is published to be found.
_OFFICIAL_ACCOUNT = re.compile(r"(?:官方|政务|公众|官微|客服|服务)\s?$")


def _qq_numbers(text: str) -> Iterator[Candidate]:
    """Yield QQ numbers: 5-11 digits, not starting with 0, right after a QQ label."""
    for m in _QQ.finditer(text):
        if not _amount(text, m.start("number"), m.end("number"), True):
            yield m.start("number"), m.end("number"), "qq"


def _wechat_ids(text: str) -> Iterator[Candidate]:
    """Yield WeChat IDs (a letter, then 5-19 letters, digits, - or _) after a WeChat label."""
    for m in _WECHAT.finditer(text):
        if not _OFFICIAL_ACCOUNT.search(text, max(0, m.start() - 3), m.start()):
            yield m.start("id"), m.end("id"), "wechat"


# ---------------------------------------------------------------------------- HK, Macao, Taiwan IDs

_HK_ID = re.compile(
    _NB
    + r"(?P<letters>[A-Z]{1,2})(?P<digits>\d{6})(?:\((?P<check>[0-9A])\)|(?P<bare>[0-9A]))"
    + _NA
)
_MACAU_ID = re.compile(_NB + r"[157]\d{6}(?:\(\d\)|\d)" + _NA)
_TAIWAN_ID = re.compile(_NB + r"[A-Z][12]\d{8}" + _NA)
_HK_LABELS = _words("香港身份证", "香港居民身份证", "香港永久性居民身份证", "HKID", "身份证")
_ID_CARD_LABELS = _words("身份证")  # 台湾身份证, 澳门特别行政区居民身份证, 国民身份证…
_OTHER_FOR_REGIONAL_IDS = _words(*_OTHER_NUMBERS, *_CARD_WORDS, *_PHONE_WORDS)
# Letter values of a Taiwan ID: A=10 … with I, O, W, X, Y, Z placed out of order.
_TAIWAN_LETTERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def hk_id_check(letters: str, digits: str) -> str:
    """Return the check character of a Hong Kong identity card number (0-9 or A).

    Weights 9 8 over the letters (A=10 … Z=35, a space, 36, before a single letter),
    7 to 2 over the six digits; the check makes the sum divisible by 11, 10 written A.
    """
    values = [36] if len(letters) == 1 else []
    values += [ord(ch) - ord("A") + 10 for ch in letters] + [int(ch) for ch in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check = -total % 11
    return "A" if check == 10 else str(check)


def _valid_taiwan_id(value: str) -> bool:
    """Return whether a Taiwan ID (a letter, 1 or 2, 8 digits) passes its check digit."""
    code = _TAIWAN_LETTERS[value[0]]
    digits = [code // 10, code % 10, *(int(ch) for ch in value[1:])]
    weights = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


def _regional_ids(text: str) -> Iterator[Candidate]:
    """Yield Hong Kong, Macao and Taiwan identity card numbers.

    A Hong Kong number with its check character in brackets (A123456(3)) is found anywhere
    its check holds, unless another number's label names it; written without brackets, it
    needs an identity card's label. A Macao number (1, 5 or 7, six digits, its check) needs
    that label and 澳门 before it; a Taiwan number (a letter, 1 or 2, eight digits) needs the
    label and its check digit.
    """
    for m in _HK_ID.finditer(text):
        check = m.group("check") or m.group("bare")
        if hk_id_check(m.group("letters"), m.group("digits")) != check:
            continue
        label = _label(text, m.start(), _HK_LABELS, _OTHER_FOR_REGIONAL_IDS)
        if label > 0 or (label == 0 and m.group("check")):
            yield m.start(), m.end(), "hk_id"
    for m in _MACAU_ID.finditer(text):
        if "澳门" in _before(text, m.start(), _TRAVEL_WINDOW, _TRAVEL_BREAKS) and (
            _label(text, m.start(), _ID_CARD_LABELS, _OTHER_FOR_REGIONAL_IDS) > 0
        ):
            yield m.start(), m.end(), "macau_id"
    for m in _TAIWAN_ID.finditer(text):
        if _valid_taiwan_id(m.group()) and (
            _label(text, m.start(), _ID_CARD_LABELS, _OTHER_FOR_REGIONAL_IDS) > 0
        ):
            yield m.start(), m.end(), "taiwan_id"


# ---------------------------------------------------------------------------- names

# Common single surnames (about 330), words that are more often something else left out
# (和, 由, 国, 明, 海, 区…), and compound ones.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆卓古吉缪简车项连芦卢麦褚娄窦戚岑景党宫费卜冷晏席卫"
    "米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝匡鞠"
    "惠荆冀郁胥班储栗燕楚鄢谌奚皮粟冼蔺盘满闻厉伊仝郜阚朴盖练廉禹祖漆卿狄晋扈晁芮阙浦戈鹿"
    "薄邸雍辜裘亓邰赫杭鲜逯隆茹诸慕亢嵇湛戎勾茅呼揭尉冶束檀昝幸奉植衡尧闭赖蔚凤鲍"
    # rarer ones that are no everyday word
    "禤逄仉蹇乜郗訾钮粘淦帅母濮隗芈宓郦钭酆甯缑厍璩桓綦郏眭笪邴羿蓟琚沃佴郇暴竺"
    "矫荀郄菅鄂宦禚谯巢操"
    # surnames that are everyday words too (门口, 水平, 和平, 木材, 战士, 衣物): kept off such
    # words in _NOT_NAMES
    "门水和木战衣"
    # common in Shandong and the Northeast, and words only with a few given characters
    "初"
    # Hui (纳志华), guarded in _NOT_NAMES from 纳入, 纳税 and their like
    "纳"
    # Korean and Chinese (南顺姬), guarded by _SOUTH_NEXT: 南 is mostly the south (南至, 南京);
    # Manchu (那振江), guarded by _THAT_NEXT: 那 is mostly "that" (那些, 那里)
    "南那"
    # of Shanxi and Jiangxi (智福生, 况德明), kept off 智力, 智能… in _NOT_NAMES
    "智况"
    # Cantonese (区伟明), guarded by _DISTRICT_NEXT: 区 is mostly a district (区政府)
    "区"
    # of Fujian, Guangdong and Jiangnan (洪振辉, 萧, 谈, 封, 宣, 屠), kept off 洪水, 谈话, 封存,
    # 宣传, 屠宰… in _NOT_NAMES
    "洪萧谈封宣屠"
    # of Zhejiang (楼正华), guarded by _BUILDING_NEXT: 楼 is mostly a building (楼上, 楼道)
    "楼"
)
# What follows 区 in the words of a district's agencies and affairs (区政府, 区人民法院, 区委,
# 区长, 区域, 区划, 区级, 区财政局, 区教体局…): 区 before them is no surname.
_DISTRICT_NEXT = frozenset(
    "政府人委长域划级县内外间块位属辖管党法纪检公教卫财民城农水林商文统审税监应医信残妇总团"
    "建街中东西南北高新开发保园片镇乡村居社街道直分别号段里容貌情侨国体"
)
# What follows 南 in the words and places of the south (南至, 南侧, 南京, 南宁, 南昌, 南山…): 南
# before them is no surname.
_SOUTH_NEXT = frozenset(
    "至侧边面部方向端头岸坡口门北京宁昌通阳充平郊区关站城沙开航岭山湖海江河路街桥村镇乡庄坪"
    "塘湾洋亚非美极疆国省市县岳宫苑园院楼厂场大小中新老水环段片线外内下上来去"
)
_THAT_NEXT = frozenset("些个里么样天时边儿种次年份位段会就是一")
# What follows 楼 in the words of a building (楼上, 楼道, 楼梯, 楼盘, 楼宇, 楼顶, 楼房…).
_BUILDING_NEXT = frozenset("上下层道梯宇盘栋顶房前后内外面间号幢座门口长主阁台院群区体市板")
_GUARDED_SURNAMES = {
    "区": _DISTRICT_NEXT,
    "南": _SOUTH_NEXT,
    "那": _THAT_NEXT,
    "楼": _BUILDING_NEXT,
}
_COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "万俟", "闻人",
    "澹台", "公冶", "太史", "申屠", "东郭", "呼延", "拓跋", "司空", "百里", "第五",
    "宗政", "巫马", "漆雕", "左丘", "赫连", "公羊", "淳于", "濮阳", "闾丘", "梁丘", "乐正",
    "仲孙", "叔孙", "颛孙", "公西", "段干", "亓官", "羊舌", "谷梁", "子车", "壤驷",
))  # fmt: skip
# The parts of Tibetan names, which have no surname: a name of two (次仁卓玛, 扎西多吉, 才让东智)
# reads as one wherever a name with a surname would. A part alone is no name (扎西, 尼玛 are
# words and places too), nor are four characters of which one half is no such part.
_TIBETAN_PARTS = frozenset((
    "扎西", "次仁", "卓玛", "拉巴", "尼玛", "卓嘎", "多吉", "多杰", "才让", "东智", "平措",
    "顿珠", "达瓦", "格桑", "央金", "旦增", "丹增", "益西", "索朗", "罗布", "强巴", "次旦",
    "白玛", "德吉", "普布", "边巴", "巴桑", "曲珍", "拉姆", "德庆", "洛桑", "旺堆", "贡布",
    "阿旺", "米玛", "仁增", "桑珠", "群培", "嘉措", "加措", "玉珍", "旺姆", "措姆", "央宗",
    "次珍", "欧珠", "贡觉", "次多", "朗杰", "土登", "晋美", "才旦", "拉毛", "仁青", "更登",
    "索南", "尕藏", "尖措", "桑杰", "旦正", "才仁", "卓尕", "万玛", "拉珍", "次央", "巴珠",
))  # fmt: skip
# Characters that do not stand in a given name, or not after a label: the marks of a name
# already hidden (张某, 王某某), words of time, place, office and grammar (于今年, 高度,
# 陈述, 文化程度), and the ends of an organisation's name (万达集团, 荣成市, 华为公司).
_NOT_IN_NAMES = frozenset(
    "某今年本该此其的了是在不已未将于向对从把被及与或并等们个件次号第这那些所之以因由经按据"
    "请求称诉述辩违反局委会院厂店馆社队站部处科室办组团府区市县省镇乡村街园场楼司集校位度额"
    "目系式职间员况议见关章务政工总老姐哥叔姨伯爷婶嫂氏妈爸先女师医律警夫主同码证份址住电"
    "话机手邮箱性别龄籍贯族岁日时分秒期项内外上下前后种类型样每各全共约多几余整半无没要需"
    "须应能会得就都也又还只仅均皆再即便则若虽且自至到往去过着给让叫使做作说讲问答复查询核"
    "审批准予受理交纳缴付支收领取放补贴费款钱资产物品货辆屋块层户口人属亲配偶儿妻签字盖当重"
    "面价售销购用报表格栏填写注备附件单元室幢父母祖媳婿身路绩"
)
# 年 ends given names (邝永年, 钱秀年, 钟年) but mostly words of time (今年, 年满, 周年): it may
# end a given name only, where it and the character before it make no such word.
_YEAR = "年"
_YEAR_WORDS = frozenset((
    "周年", "成年", "青年", "少年", "中年", "老年", "新年", "近年", "晚年", "历年", "长年",
    "终年", "经年", "千年", "百年", "万年", "丰年", "常年", "连年", "明年", "往年", "逐年",
    "上年", "去年", "来年", "当年", "同年", "今年", "每年", "全年", "多年", "半年", "次年",
    "翌年", "前年", "后年", "早年", "末年", "初年", "元年", "童年", "幼年", "壮年", "暮年",
    "余年", "数年", "整年", "跨年", "拜年", "过年", "贺年", "本年", "该年", "隔年", "某年",
    "学年", "年年", "一年", "两年", "三年", "十年", "廿年", "卅年", "累年", "积年", "流年",
    "残年", "天年", "期年", "闰年",
))  # fmt: skip
# Characters _NOT_IN_NAMES keeps out because they begin words after a name (本人, 全部, 政府,
# 单元, 若有) but that stand in given names (解立本, 宋德全, 车政霖, 李若曦): in a given name of
# two characters (a name of three), unless the two make such a word.
_WEAK_IN_NAMES = frozenset("本全政元若")
_WEAK_WORDS = frozenset((
    "本人", "本案", "本院", "本局", "本次", "本机", "本市", "本区", "本县", "本镇", "本村", "本单",
    "全部", "全体", "全程", "全面", "全市", "全区", "全县", "全省", "全国", "全镇", "全村", "全家",
    "全额", "全年", "政府", "政务", "政策", "政治", "政法", "元旦", "元月", "若有", "若干", "若要",
    "若因", "若再",
))  # fmt: skip
# Words of a list's column that read as a surname and a given name (3 孙子 男 2010…).
_NOT_NAMES = frozenset((
    "孙子", "曾孙", "高中", "韩国", "法国", "英国", "德国", "泰国", "秦国", "初中", "初级",
    "初步", "初次", "初始", "初审", "初核", "初查", "初稿", "初心", "初衷",
    # words after a kinship word (家属安置工作, 亲属关怀)
    "安置", "安排", "安全", "安葬", "安家", "安心", "关怀", "关爱", "关心", "常住", "随军",
    "随调", "华侨", "华人", "范围", "满意", "康复", "平安", "包括", "尚小", "高考", "党员",
    # 业 stands in given names (王建业, 毕业成); these are words (申请人毕业于…)
    "毕业", "毕业生", "商业", "林业", "祖业",
    # words after a role word in prose (群众文化, 游客文明)
    "文化", "文艺", "文明", "文体", "文旅",
    # words of the surnames that are everyday words (门, 水, 和, 木)
    "门口", "门诊", "门窗", "门卫", "门面", "门店", "门票", "门槛", "水平", "水利", "水务", "水电",
    "水费", "水源", "水质", "水库", "水域", "水果", "水泥", "水管", "和平", "和解", "和谐", "和睦",
    "和美", "和顺", "木材", "木工", "木板", "木质", "木屋", "战士", "战友", "战略", "战斗", "战场",
    "战役", "战线", "战争", "衣服", "衣物", "衣着", "衣食", "衣帽", "纳入", "纳税", "纳米",
    "纳凉", "纳新", "纳福", "纳贤", "纳人", "智力", "智能", "智慧", "智商", "智库", "智障",
    "况且", "符合", "符号",
    "洪水", "洪涝", "洪峰", "洪灾", "洪流", "洪亮", "萧条", "萧瑟", "谈话", "谈判", "谈心",
    "谈及", "谈到", "谈论", "谈谈", "谈妥", "封存", "封闭", "封条", "封面", "封顶", "封堵",
    "封控", "封锁", "封装", "封口", "封印", "封山", "宣传", "宣布", "宣告", "宣判", "宣读",
    "宣讲", "宣誓", "宣示", "宣称", "宣贯", "宣导", "屠宰", "屠杀",
    # a column's word after a personal label in a table's header (被安置人　　房源)
    "房源",
    # ways of driving (，高速驾驶)
    "高速", "常速",
    # personnel acts (任命：⏎李卫华为…)
    "任命", "任免", "任职", "任用",
))  # fmt: skip
_TITLE_END = re.compile(
    r"(?:先生|女士|小姐|同志|老师|师傅|主任|经理|书记|医生|律师|警官|大夫|会计|主席|委员|代表"
    r"|.长"
    r"|护照)$"  # nor a document's word (持香港特别行政区护照，护照号码… is no 区护照)
)
# Relatives named after a kinship or household word: 其父何国华, 其妻冯玉梅, 长子周海涛,
# 随调家属：李静, 亲属冯德利. Prose after them reads as no name (其父亲病重, 其子女教育; 家属
# 安置 is kept off by _NOT_NAMES).
_KIN_WORDS = (
    "其父", "其母", "其父亲", "其母亲", "其妻", "其夫", "其子", "其女", "其兄", "其弟", "其姐",
    "其妹", "其配偶", "其丈夫", "其妻子", "其儿子", "其女儿", "长子", "次子", "三子", "幼子",
    "长女", "次女", "三女", "幼女", "孙子", "外孙", "外孙女", "儿媳", "女婿", "哥哥", "弟弟",
    "姐姐", "妹妹", "大儿子", "二儿子", "三儿子", "小儿子", "大女儿", "二女儿", "三女儿",
    "小女儿", "长孙", "长孙女",
    "家属", "随军家属", "随调家属", "随迁家属", "随迁子女", "亲属", "家庭成员", "侄子", "侄女",
    "外甥", "外甥女", "孙媳", "祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆",
    "伯父", "伯母", "叔叔", "婶婶", "姑母", "姑姑", "姑父", "姨母", "姨妈", "姨父", "舅舅", "舅母",
    "外孙子", "表哥", "表弟", "表兄", "表姐", "表妹", "堂哥", "堂弟", "堂兄", "堂姐", "堂妹",
)  # fmt: skip
# Private persons named by their role in prose (摊主刘芳, 村民宋华, 游客邵建业). Prose about
# them goes on with words (群众文艺汇演, 游客文明旅游): after these, a name has at most three
# characters but with a compound surname.
_ROLE_WORDS = (
    "摊主", "店主", "雇员", "村民", "居民", "村民代表", "居民代表", "群众", "游客", "行人", "乘客",
    "个体工商户", "个体经营户", "个体户", "经营户", "特困供养人员", "供养人员", "特困人员",
    "低保户", "护林员", "保洁员", "市民",
    # a private firm's officers and owners (由原执行董事汪德兴变更为…, 股东李强)
    "执行董事", "董事长", "股东", "监事",
    # drivers and the persons a programme serves (出租车驾驶员仲伟东, 社区矫正对象阎志强)
    "驾驶员", "司机", "矫正对象", "社区矫正对象", "救助对象", "保障对象", "帮扶对象", "供养对象",
    "优抚对象", "发展对象", "培养对象",
    # veterans and the community's own helpers (退役军人邹建军, 网格员：郝春燕)
    "退役军人", "复员军人", "转业军人", "网格员", "楼长", "楼栋长", "志愿者",
    # fishers, farmers and herders, and a household of a building (渔民杜丽华, 楼上住户孙秀年)
    "渔民", "农民", "牧民", "农户", "住户",
    # the persons around a household (被邻居袁志明占用, 房东易国强)
    "邻居", "房东", "租户",
    # a worker's fellows (经同事李卫东送至医院)
    "同事", "工友",
)  # fmt: skip
_NAME_LABEL_WORDS = (
    "姓名", "申请人", "被申请人", "复议申请人", "联系人", "紧急联系人", "当事人", "投诉人",
    "被投诉人", "举报人", "被举报人", "户主", "法定代表人", "法人代表", "负责人", "委托代理人",
    "代理人", "法定代理人", "收件人", "签收人", "患者", "死者", "监护人", "被监护人", "经办人",
    "信访人", "来访人", "来电人", "反映人", "求助人", "被执行人", "申请执行人", "被处罚人",
    "违法行为人", "驾驶人", "机动车所有人", "车主", "受害人", "被害人", "犯罪嫌疑人", "嫌疑人",
    "被告人", "原告", "被告", "第三人", "上诉人", "被上诉人", "证人", "报案人", "被征收人",
    "承租人", "产权人", "所有权人", "权利人", "房主", "业主", "户名", "持卡人", "开户人",
    "收款人", "领款人", "受益人", "继承人", "配偶", "父亲", "母亲", "经营者", "填表人", "申报人",
    "实际控制人", "来信人", "借款人", "贷款人", "担保人", "保证人", "代领人", "代办人", "委托人",
    "参保人", "被保险人", "投保人", "共有人", "出租人", "买受人", "竞买人", "抵押人", "出资人",
    "被安置人", "安置人", "被许可人", "拟录用人员", "拟聘用人员", "拟聘人员", "男方", "女方",
    "丈夫", "妻子", "儿子", "女儿", "之子", "之女", "孙女", "第三方", "新生儿", "购机者",
    "购买人", "购房人", "受助人", "申领人", "领取人", "考生", "递补人员", "拟招募人员",
    "所有人", "诉求人", "来电市民", "夫妻双方", "男女双方", "曾用名", "参保人员", "参保职工",
    "涉案人员", "违法人员", "受助人员", "行政相对人名称", "相对人名称", *_ROLE_WORDS,
    # households whose land or house is taken, persons visited, a patient's side, the parties
    # of a land transfer, a firm's managers (项目经理：司马永年; 物业公司经理 孙建年)
    "被征收户", "征收户", "拆迁户", "被拆迁户", "被拆迁人", "走访对象", "慰问对象", "服务对象",
    "患方", "流出方", "流入方", "转出方", "转入方", "经理",
    # recruits and their families, lodgers, a notice's declarant, a permit's holder, the dead
    # whose estate passes (兵员：尹志刚, 住宿人：…, 声明人：…, 持证人万建华, 被继承人龚德胜)
    "兵员", "义务兵", "新兵", "入伍青年", "住宿人", "声明人", "持证人", "被继承人", "遗失人",
    "学生", "幼儿", "新生", "已故参保人员", "已故人员",
    # legal aid's client, those who keep or care for an old person (受援人：…, 委托照料人：…)
    "受援人", "照料人", "赡养人", "扶养人", "抚养人",
    # a worker hurt at work, and a party penalised under a label for both kinds (被处罚人名称：)
    "受伤害职工", "受伤职工", "工亡职工", "伤者", "被处罚人名称", "当事人名称",
    # a foreigner's or a person's other writing (英文名：Tony Wang)
    "英文名", "英文姓名", "外文名", "外文姓名", "拼音姓名",
    # those honoured, giving or hurt, named by what they did or met (献血者：黄丽、周建华,
    # 见义勇为人员：陈 刚（已故）)
    "献血者", "获奖者", "受表彰者", "捐献者", "捐赠者", "受助者", "受害者", "遇难者", "伤亡者",
    "死亡者", "申请者", "举报者", "投诉者", "见义勇为者", "见义勇为人员", "先进个人",
    "受表彰人员", "表彰对象", "获奖人员", "获奖个人",
    # those whose benefit starts, stops or changes (停保对象：石秀兰（户主）)
    "停保对象", "低保对象", "新增对象", "退出对象", "停发对象", "取消对象", "复核对象",
    "安置对象", "补助对象", "资助对象", "扶助对象", "奖励对象", "补贴对象", "救济对象", "受益对象",
    # the parties' representatives at a hearing (被征收人代表：向家福、田春香…)
    "被征收人代表", "被征收户代表", "被征地农户代表", "被拆迁人代表", "业主代表", "农户代表",
    # kinship and household words with no personal label (其父何国华, 随调家属王芳, 长子…)
    *_KIN_WORDS,
)  # fmt: skip
_NAME_LABEL = re.compile(
    r"(?:"
    + _words(*_NAME_LABEL_WORDS).pattern
    + r"|姓[ \t]{1,3}名)(?:[甲乙丙丁](?=[ \t]*[:：]))?"  # 当事人甲：
    + r"(?:\([^()\n]{1,8}\))?(?:[ \t]*[:：][ \t]*|[ \t]{1,4}|为|是)?"
)
# Where a name ends: punctuation, a space, a digit, the next field's label, a sex, or
# (after a label) a word of the sentence going on (申请人王小明于…, 张三的…).
_FIELD_WORDS = (
    "性别", "民族", "汉族", "年龄", "出生", "身份证", "公民身份", "证件", "住址", "住所", "家庭",
    "户籍", "现住", "居住", "地址", "电话", "手机", "联系", "籍贯", "职业", "职务", "工作", "单位",
    "学历", "文化", "政治", "婚姻", "邮箱", "邮编", "电子", "微信", "QQ", "与户主", "关系", "住",
    "先生", "女士", "同志", "原住", "原籍", "原户籍", "原名",
)  # fmt: skip
_PROSE_WORDS = (
    "于", "向", "对", "因", "称", "的", "在", "已", "等", "与", "和", "及", "系", "提出", "反映",
    "诉称", "不服", "要求", "申请", "认为", "表示", "持", "通过", "名下", "应", "不慎", "自愿",
    "共同", "现", "无", "为", "是", "今年", "现年", "生前", "曾", "一直", "长期", "常年",
    "目前", "另行", "符合", "属于", "获得", "享受", "患有", "身患", "在读", "随", "代为", "就",
    "病", "去世", "残疾", "务工", "患", "业已",
    # a person's own doing or lot (住户孙秀年私自拆除…, 丈夫王建军突发重病)
    "私自", "擅自", "突发", "突患", "突然",
    # a case's cause after the parties (诉被告孙华强、于丽民间借贷纠纷一案)
    "民间借贷", "纠纷", "一案", "买卖合同", "借款合同", "租赁合同", "劳务合同", "劳动合同",
    "劳动争议", "离婚纠纷", "合同纠纷", "侵权责任", "机动车交通事故", "建设工程施工合同",
    "房屋买卖", "物业服务合同", "追索劳动报酬",
    # the persons named together (牛华、牛业兴兄弟二人, 王刚夫妇)
    "兄弟", "姐妹", "夫妇", "夫妻", "父子", "父女", "母子", "母女", "二人", "两人", "三人", "一家",
)  # fmt: skip
_PUNCT_END = (
    r"$|[\s\d，,。.；;：:、！？!?()\[\]【】<>《》“”\"'‘’/|]|[男女](?=$|[\s\d，,、；;。()汉])"
)
_NAME_END = re.compile(_PUNCT_END + "|" + _words(*_FIELD_WORDS).pattern)
_NAME_END_IN_PROSE = re.compile(_NAME_END.pattern + "|" + _words(*_PROSE_WORDS).pattern)
# A word of the sentence going on that no name holds: a character that stands in no given name
# and opens a predicate (王芳报名, 张伟请求, 李明要求…), or a verb of a personnel act
# (孟雅婷进入体检, 王芳参加…).
_PREDICATE_START = frozenset(
    "将于向对从把被在已未不并经按据请求称诉述辩违反要需须应能会得就都也又还只仅均皆再即便则若"
    "虽且自至到往去过着给让叫使做作说讲问答复查询核审批准予受理交纳缴付支收领取放补报签填写"
    "盖售销购用"
)
# Verbs of the sentence whose first character may stand in a name (王芳提交, 孟雅婷进入体检):
# read before a single character that opens a predicate (王芳提, then 交).
_VERB_WORDS = (
    "进入", "参加", "担任", "作为", "接替", "放弃", "辞去", "入选", "参与", "前往", "提交",
    "提供", "申报", "申领", "填报", "签订", "签署", "出具", "承诺", "来信", "来电", "来访",
    "驾驶", "发生", "代领", "代办", "代缴", "接任", "占道", "占用", "合力", "协助", "帮助",
    "公告", "送达", "关于", "变更",
    # wrongdoing told in a case (驾驶员水建华伪造…, 欧阳晓梅冒用…), a person's trade
    # (个体经营户门学东在…)
    "伪造", "冒用", "骗取", "私自", "拒不", "拒绝", "无证", "指使", "虚构", "套取", "冒名",
    "出借", "串换", "挪用",
    # what a person owns (当事人和光明位于…的养殖场)
    "位于",
    # a person's own affairs (其子丛浩然入学问题)
    "入学", "就读", "上学", "就医", "就业", "落户", "入户", "入托",
    # retirement and death (其父亲曾广福退休待遇)
    "退休", "退役", "死亡", "病故", "逝世",
    # one taken to hospital (经同事李卫东送至医院), and what one did at once (张二保立即拨打120)
    "送至", "送往", "送到", "护送", "陪同", "立即", "随即", "当即", "马上", "迅速",
)  # fmt: skip
_BEFORE_VERB_WORD = _words(*_VERB_WORDS)
_BEFORE_PREDICATE = re.compile("[" + "".join(sorted(_PREDICATE_START)) + "]")
# A row of a list: a name right after a delimiter, then a sex (张三，男，汉族 / 李四（女）).
_SEX = re.compile(r"(?P<sep>[，,、\t ])?(?P<open>\()?[男女](?P<close>\))?")
_SEX_FOLLOWS = re.compile(r"$|[\s\d，,、；;。汉]")
_ROW_START = re.compile(r"[\s，,。；;：:、]")
_ROW_BLANKS = 8  # the most blanks read back over between a name's cell and a sex's
# A letter's salutation (王小明：你于… / 张三先生：).
_SALUTATION = re.compile(
    r"(?m)^[ \t]*(?:尊敬的)?(?P<name>"
    r"[\u4e00-\u9fff] {1,2}[\u4e00-\u9fff](?: {0,2}(?:先生|女士|同志))?"  # 邝 明 同志：
    r"|[\u4e00-\u9fff·]{2,17}(?:、[\u4e00-\u9fff·]{2,17}){0,9})"
    r"(?P<note>\([^()\n]{1,40}\))?[:：]"
)
_SALUTATION_AFTER = re.compile(
    r"\s*(?:[你您]|本(?:院|庭|机关|局|委|府|所|中心)(?:受理|于|已|依法|就|对|决定|认为))"
)  # 司马晓年：本院受理原告…诉你…
_LINE_END = re.compile(r"[ \t]*(?:\n|$)")
_POLITE = re.compile(r"(?:先生|女士|同志)$")


def _is_han(ch: str) -> bool:
    """Return whether ``ch`` is a common CJK ideograph."""
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1 << 16)  # a text reads the same few characters again at every label
def _is_name(value: str) -> bool:
    """Return whether ``value`` reads as a personal name: a surname, then a given name.

    2-4 characters: a common surname (compound ones first), then one to three characters
    that stand in given names; not a surname with a title (王科长, 李女士).
    """
    if not 2 <= len(value) <= 4 or _TITLE_END.search(value) or value in _NOT_NAMES:
        return False
    if _tibetan_name(value):
        return True
    if len(value) == 3 and value[2] == "氏" and value[0] in _SURNAMES and value[1] in _SURNAMES:
        return True  # a married woman of old: her husband's surname, her own, 氏 (乔王氏)
    for surname in (2, 1):
        if value[:surname] not in (_COMPOUND_SURNAMES if surname == 2 else _SURNAMES):
            continue
        given = value[surname:]
        if given[:1] in _GUARDED_SURNAMES.get(value[:surname], ()):
            continue
        if given and all(_is_han(ch) and ch not in _NOT_IN_NAMES for ch in given):
            return True
        if _year_given_name(value, surname):
            return True
        if surname == 1 and not _WEAK_IN_NAMES.isdisjoint(given) and _weak_given_name(given):
            return True
        # 区 stands inside a given name (张区明) where no district's word follows it; last, it
        # ends a district's name (黄岛区)
        if (
            given[:-1].count("区") == given.count("区") == 1
            and given[1:]
            and all(_is_han(ch) and (ch not in _NOT_IN_NAMES or ch == "区") for ch in given)
        ):
            return given[given.index("区") + 1] not in _DISTRICT_NEXT
    return False


def _tibetan_name(value: str) -> bool:
    """Return whether four characters are two parts of Tibetan names (次仁卓玛)."""
    return len(value) == 4 and value[:2] in _TIBETAN_PARTS and value[2:] in _TIBETAN_PARTS


def _four_may_be_a_name(value: str) -> bool:
    """Return whether four characters may be a name: a compound surname's, or a Tibetan one."""
    return value[:2] in _COMPOUND_SURNAMES or _tibetan_name(value)


def _year_given_name(value: str, surname: int) -> bool:
    """Return whether a given name ends in 年 that makes no word of time with the one before it."""
    given = value[surname:]
    return (
        given[-1:] == _YEAR
        and value[-2:] not in _YEAR_WORDS
        and all(_is_han(ch) and ch not in _NOT_IN_NAMES for ch in given[:-1])
    )


def _weak_given_name(given: str) -> bool:
    """Return whether two characters read as a given name with one of _WEAK_IN_NAMES (德全)."""
    return (
        len(given) == 2
        and given not in _WEAK_WORDS
        and not set(given) <= _WEAK_IN_NAMES
        and all(_is_han(ch) and (ch in _WEAK_IN_NAMES or ch not in _NOT_IN_NAMES) for ch in given)
    )


# Names of ethnic minorities and foreigners: parts joined by a middle dot (阿卜杜拉·艾力).
_DOTTED_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8}){1,3}")
_DOTTED_BEFORE = re.compile(
    r"(?<![\u4e00-\u9fff·])[\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8}){1,3}$"
)
# A two-character name padded to the width of three (陈 强, 孙　丽): one character, one or two
# spaces, one character.
_SPACED_NAME = re.compile(r"[\u4e00-\u9fff] {1,2}[\u4e00-\u9fff]")
# Where a name without a common surname may still be taken: after a personal label and
# before a sex (当事人：巴特尔，男). It must not read as an organisation or a hidden name.
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,5}")
_SEX_NEXT = re.compile(
    r"(?:[，,、 \t]\(?[男女]\)?|\([男女]\))(?=$|[\s\d，,、；;。()汉])"
    r"|\([\u4e00-\u9fff]{1,8}籍\)"  # or a nationality: 佐藤健一（日本籍）
)
_NOT_A_PERSON = re.compile(
    r"某|[局委会院厂店馆社队站部处科室办组团府区市县省镇乡村街园场楼司集校]$"
)


# A foreigner's name in Latin letters after a label (申请人：Emily Johnson，), not a firm's.
# Chinese runs straight on after it (证人Mary Brown的证言): no letter, digit or word joiner may.
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'-]*(?: [A-Z][A-Za-z'-]*){1,3}(?![A-Za-z0-9'-])")
_HONORIFIC = re.compile(r"(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? (?=[A-Z])")
_NOT_LATIN_NAME = re.compile(
    r"\b(?:CO|Co|LTD|Ltd|LIMITED|Limited|COMPANY|Company|INC|Inc|GROUP|Group|BANK|Bank|CORP"
    r"|Corp|CORPORATION|Corporation|LLC|GmbH|UNIVERSITY|University|CHINA|China|TRADING)\b"
)
_HAN_IN_BRACKETS = re.compile(r"\(([\u4e00-\u9fff·]{2,8})\)")
_LATIN_IN_BRACKETS = re.compile(r"\(([A-Z][A-Za-z'-]*(?: [A-Z][A-Za-z'-]*){1,3})\)")

# An agency's head named with the office he holds (法定代表人：于成龙，局长。) acts for it.
_OFFICE_NEXT = re.compile(
    r"[，,、 ]\s?(?:副|代理)?(?:[省市区县镇乡]长|局长|厅长|处长|科长|所长|院长|部长|署长|关长"
    r"|主任|书记|主席|秘书长|检察长|庭长|队长|站长|律师|[^，,。；;\n]{2,30}律师事务所(?:实习)?律师?)"
    r"(?=$|[\s，,。；;)])"
    # or in brackets after the name (经办人：马文斌（村计生专干）)
    r"|\([^()\n]{0,10}(?:专干|干事|干部|工作人员|书记|主任|[省市区县镇乡]长|[局处科所站]长)\)"
    # or the agency he works for (联系人：杨建国（天山区信访局）)
    r"|\([^()\n]{1,14}(?:局|委员会|人民政府|办公室|派出所|法院|检察院)\)"
)


# A name in Latin letters with its Chinese writing in brackets, in any sentence (Li Ming (李明),
# Ms. Chen Xiaoyu (陈晓雨)): the Chinese one must read as a name.
# Found from the bracket, which a search finds fast, and read back to the Latin name.
_HAN_AFTER_LATIN = re.compile(r"\((?:(?<=[a-z]\()|(?<=[a-z] \())(?P<han>[\u4e00-\u9fff]{2,4})\)")
_LATIN_BEFORE = re.compile(r"(?<![A-Za-z])(?P<latin>[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}) ?$")
_LATIN_BEFORE_REACH = 40
# The next name of a list after a label, past a short note in brackets on the one before it
# (家庭成员：李红梅（妻子）、张小明（儿子）) or a one-character kin word and a blank (、妻 闫红霞).
_LISTED_NEXT = re.compile(r"(?:\([^()\n，,。；;]{1,8}\))?、\n?(?:[妻夫子女父母兄弟姐妹][ \t])?")


_CHANGED_TO = re.compile(r"(?:变更|更改|改|更正)为")


def _dotted_name(value: str) -> bool:
    """Return whether a run of parts joined by middle dots reads as a personal name."""
    return not _NOT_A_PERSON.search(value) and "某" not in value


def _name_at(text: str, at: int, ends: re.Pattern[str], verbs: bool = False) -> int:
    """Return where a personal name starting at ``at`` ends, or -1 if none starts there.

    The longest reading as a name (:func:`_is_name`) followed by what ``ends`` a name wins;
    a name of parts joined by middle dots, or of two characters spaced apart, is one too.
    With ``verbs``, failing those, a reading followed by a verb of the sentence
    (:func:`_name_ends`).
    """
    return next(_name_ends(text, at, ends, verbs), -1)


def _name_ends(text: str, at: int, ends: re.Pattern[str], verbs: bool) -> Iterator[int]:
    """Yield where a personal name starting at ``at`` may end, the likeliest first.

    With ``verbs``, after the readings ``ends`` ends: a reading followed by a verb (the
    longest: 孟雅婷进入), then one followed by a character that stands in no name and opens a
    predicate (the shortest: 王芳报名, 张伟请求), so a verb no list holds still ends a name.
    """
    if text[at : at + 1] in _NAME_FIRSTS:
        yield from _surname_ends(text, at, ends, verbs)
    yield from _dotted_ends(text, at, ends)


#: the characters a reading as a name (:func:`_is_name`) begins with: a surname's first
_NAME_FIRSTS = _SURNAMES | {surname[0] for surname in _COMPOUND_SURNAMES}


def _surname_ends(text: str, at: int, ends: re.Pattern[str], verbs: bool) -> Iterator[int]:
    """Yield where a name of a surname starting at ``at`` may end, as :func:`_name_ends` says.

    Only where a surname's character stands: every label and act reads on from where it
    ends, and 丈夫 repeated read all these readings at every 丈 for nothing.
    """
    spaced = _SPACED_NAME.match(text, at)
    pair = spaced.group()[0] + spaced.group()[-1] if spaced else ""
    if spaced and _is_name(pair) and ends.match(text, spaced.end()):
        yield spaced.end()
    last = min(at + 4, len(text))
    for end in range(last, at + 1, -1):
        if _straddles(text, end):
            continue
        # Four characters with a single surname are rare: in prose, not before a word of it
        # (亲属冯德利代为办理 is 冯德利, then 代为).
        rare = end - at == 4 and text[at : at + 2] not in _COMPOUND_SURNAMES
        if _is_name(text[at:end]) and (_NAME_END if rare else ends).match(text, end):
            yield end
    if verbs:
        plain = [
            end
            for end in range(at + 2, last + 1)
            if _is_name(text[at:end]) and not _straddles(text, end)
        ]
        plain = [e for e in plain if e - at < 4 or text[at : at + 2] in _COMPOUND_SURNAMES]
        yield from (end for end in reversed(plain) if _BEFORE_VERB_WORD.match(text, end))
        yield from (end for end in plain if _BEFORE_PREDICATE.match(text, end))


def _dotted_ends(text: str, at: int, ends: re.Pattern[str]) -> Iterator[int]:
    """Yield where a name of parts joined by middle dots starting at ``at`` ends (哈斯·巴特尔)."""
    dotted = _DOTTED_NAME.match(text, at)
    if dotted:
        last_dot = dotted.group().rindex("·") + at
        for end in range(last_dot + 2, dotted.end() + 1):  # the shortest: 哈斯·巴特尔称
            if ends.match(text, end):
                if _dotted_name(text[at:end]):
                    yield end
                return


def _straddles(text: str, end: int) -> bool:
    """Return whether a reading ending at ``end`` takes the first character of a word after it.

    业 stands in given names, but 赵华业已于… is 赵华 and 业已 (already); so does 原, but
    木秀珍原住址… is 木秀珍 and 原住址 (former address).
    """
    return text.startswith(_STRADDLED, end - 1)


_STRADDLED = ("业已", "原住", "原籍", "原户籍", "原名")


_FIELD_COLON_BEFORE = re.compile(r"[:：][ \t]*$")


def _name_in_a_field(text: str, at: int) -> int:
    """Return where a name without a common surname ends if a field's end follows, or -1.

    Only after 姓名 and its colon, which name nothing else (姓名：乌兰图雅  性别：女); in a
    table's header 姓名 is followed by the next column's word (义务兵姓名　　入伍地).
    """
    if not _FIELD_COLON_BEFORE.search(text, max(0, at - 4), at):
        return -1
    run = _HAN_RUN.match(text, at)
    if run is None or len(run.group()) > 4 or not _NAME_END.match(text, run.end()):
        return -1
    value = run.group()
    if any(ch in _NOT_IN_NAMES for ch in value) or _NOT_A_PERSON.search(value):
        return -1
    return run.end()


def _name_before_a_sex(text: str, at: int) -> int:
    """Return where a name without a common surname ends if a sex follows it, or -1."""
    run = _DOTTED_NAME.match(text, at) or _HAN_RUN.match(text, at)
    if run is None:
        return -1
    for end in range(run.end(), at + 1, -1):
        value = text[at:end]
        if _SEX_NEXT.match(text, end):
            ok = not _NOT_A_PERSON.search(value) and not _TITLE_END.search(value)
            return end if ok and value[-1] != "·" else -1
    return -1


def _names(text: str) -> Iterator[Candidate]:
    """Yield personal names: after a personal label, in a list's row before a sex, in a salutation.

    After a label, further names listed with 、 are names too (申请人：张三、李四).
    """
    for m in _NAME_LABEL.finditer(text):
        at = m.end()
        honorific = _HONORIFIC.match(text, at)  # 申请人：Mr. John Williams
        if honorific:
            at = honorific.end()
        latin = _LATIN_NAME.match(text, at)
        if latin and not _NOT_LATIN_NAME.search(latin.group()):
            yield at, latin.end(), "name"
            beside = _HAN_IN_BRACKETS.match(text, latin.end())  # KIM MINJUN（金珉俊）
            if beside and not _NOT_A_PERSON.search(beside.group(1)) and beside.group(1)[-1] != "籍":
                yield beside.start(1), beside.end(1), "name"
            continue
        if m.group() in _ROLE_WORDS and _NAME_LABEL.match(text, at):
            continue  # roles named together (群众游客, 市民游客可…): no name follows
        # a change told (经营者：由付春华变更为付家明)
        if text.startswith("由", at) and _CHANGED_TO.search(text, at + 3, at + 10):
            changed = _name_at(text, at + 1, _NAME_END_IN_PROSE, verbs=True)
            if changed > 0 and _CHANGED_TO.match(text, changed):
                at += 1
        while (
            (end := _name_at(text, at, _NAME_END_IN_PROSE, verbs=True)) > 0
            or (end := _name_before_a_sex(text, at)) > 0
            or ("名" in m.group() and (end := _name_in_a_field(text, at)) > 0)
        ):
            if (
                m.group() in _ROLE_WORDS
                and end - at > 3
                and text[at : at + 2] not in _COMPOUND_SURNAMES
            ):
                break  # 群众文艺汇演
            # neither an officer in office nor a firm under a label for both (相对人名称：…商行)
            if not _OFFICE_NEXT.match(text, end) and not _FIRM.search(text, at, end):
                yield at, end, "name"
                beside = _LATIN_IN_BRACKETS.match(text, end)  # 约翰·史密斯（John Smith）
                if beside and not _NOT_LATIN_NAME.search(beside.group(1)):
                    yield beside.start(1), beside.end(1), "name"
            # 、 or （妻子）、, or the one it is changed to (由付春华变更为付家明)
            listed = _LISTED_NEXT.match(text, end) or _CHANGED_TO.match(text, end)
            if listed is None:
                break
            at = listed.end()
    yield from _names_before_a_sex(text)
    yield from _names_before_a_field(text)
    yield from _names_in_rows(text)
    yield from _names_in_numbered_rows(text)
    yield from _names_in_lists(text)
    yield from _names_in_bare_lists(text)
    yield from _names_with_notes(text)
    yield from _names_after_acts(text)
    yield from _salutations(text)
    yield from _names_by_sentence(text)
    yield from _names_of_foreigners(text)
    yield from _names_in_two_writings(text)


# The third character of a name spaced out character by character (钟 小 林, 韦 明 亮: a scan's
# or a form's padding), after the same blank as the first two (or a line break a scan put there:
# 邹 志⏎刚（个体工商户）) and before no further character of a column's word (龚  翠  视力 is a
# name, then a cell), nor a sex (王 伟 男) nor a fourth spaced on (王 伟 李 娜: two names); a
# sentence may run on after it (市民刘 春 生一同救起…). Found once so, the same three are one
# name elsewhere (被告人钟 小 林犯…).
_SPACED_THIRD = re.compile(
    r"( {1,2}|\n)([\u4e00-\u9fff])(?:(?![\u4e00-\u9fff])|(?=[\u4e00-\u9fff]{3}))"
)


_SPACED_FOURTH = re.compile(r"( {1,2})[\u4e00-\u9fff](?![\u4e00-\u9fff])")


def _fourth_spaced(text: str, at: int, gap: str) -> bool:
    """Return whether one more character spaced by ``gap`` stands alone at ``at`` (王 伟 李 娜)."""
    fourth = _SPACED_FOURTH.match(text, at)
    return fourth is not None and fourth.group(1) == gap


def _widened_spaced_names(text: str, found: list[Candidate]) -> list[Candidate]:
    """Return ``found`` with each name of two spaced characters widened to a spaced third."""
    spaced = [c for c in found if c[2] == "name" and _SPACED_NAME.fullmatch(text, c[0], c[1])]
    if not spaced:
        return found
    wider: dict[tuple[int, int], int] = {}
    starts = {c[0] for c in found}  # a widened name takes no other finding's first character
    for start, end, _ in spaced:
        if any(at in starts for at in range(end, end + 3)):
            continue
        third = _SPACED_THIRD.match(text, end)
        gap = text[start + 1 : end - 1]
        if (
            third
            and (third.group(1) == gap or third.group(1) == "\n")
            and third.group(2) not in "男女"
            and (third.group(1) != "\n" or not _is_han(text[third.end() : third.end() + 1]))
            and _is_name(text[start] + text[end - 1] + third.group(2))
            and not _fourth_spaced(text, third.end(), gap)
        ):
            wider[start, end] = third.end()
    values = {text[start:wide] for (start, _), wide in wider.items()}
    for start, end, _ in spaced:
        wide = end + (end - start - 2) + 1  # the same blank again, then the third character
        if (start, end) not in wider and text[start:wide] in values and wide not in starts:
            wider[start, end] = wide
    return [(start, wider.get((start, end), end), kind) for start, end, kind in found]


def _names_in_two_writings(text: str) -> Iterator[Candidate]:
    """Yield a name in Latin letters and its Chinese writing in brackets after it."""
    for m in _HAN_AFTER_LATIN.finditer(text):
        low = max(0, m.start() - _LATIN_BEFORE_REACH)
        latin = _LATIN_BEFORE.search(text, low, m.start())
        if latin and _is_name(m.group("han")) and not _NOT_LATIN_NAME.search(latin.group()):
            yield latin.start(), latin.end("latin"), "name"
            yield m.start("han"), m.end("han"), "name"


def _salutations(text: str) -> Iterator[Candidate]:
    """Yield the names a letter's salutation addresses (王小明：你于…, 张三、李四：⏎你们…).

    One name or several listed with 、, a name of parts joined by middle dots too, and a note
    in brackets after them (沙吾提·买买提（身份证号：…）：); then 你 or 您, or the line's end.
    A single name may carry 先生, 女士 or 同志 (张三先生：), and then needs neither. Parts
    joined by middle dots need more than the line's end (中国·威海： is a heading's).
    """
    for m in _SALUTATION.finditer(text):
        names = m.group("name").split("、")
        name = _POLITE.sub("", names[0]).rstrip(" ")  # 邝 明 同志：
        polite = len(names) == 1 and len(name) < len(names[0])
        alone = _LINE_END.match(text, m.end())  # 麦晓峰：⏎本机关于…
        addressed = m.group("note") or _SALUTATION_AFTER.match(text, m.end())
        if not (polite or alone or addressed):
            continue
        if polite:
            names = [name]
        spaced = [_is_list_item(n) for n in names]  # 邝 明 too
        if all(
            _is_name(n) or ok or (addressed and "·" in n and _is_dotted(n))
            for n, ok in zip(names, spaced, strict=True)
        ):
            at = m.start("name")
            for n in names:
                yield at, at + len(n), "name"
                at += len(n) + 1


def _is_dotted(value: str) -> bool:
    """Return whether parts joined by middle dots, none empty, read as a personal name."""
    return "" not in value.split("·") and _dotted_name(value)


def _names_before_a_sex(text: str) -> Iterator[Candidate]:
    """Yield the names of a list's rows: 张三，男，汉族… / 李四（女） / 1 王五 男 3710….

    The name (2-3 characters, 4 with a compound surname) starts a line, a cell or a clause.
    """
    for m in _SEX.finditer(text):
        end = m.start()
        if m.group("open"):
            # （男） or the bracket going on with more particulars: 张三（男，1975年生）
            if not m.group("close") and not text.startswith(("，", ","), m.end()):
                continue
        elif not m.group("sep") or not _SEX_FOLLOWS.match(text, m.end()):
            continue
        elif (
            m.group("sep") in " \t"
        ):  # a table padded with blanks (杨丽华    女): read back over them
            low = max(0, end - _ROW_BLANKS)
            while end > low and text[end - 1] in " \t":
                end -= 1
        start = _row_name_before(text, end)
        if start < 0:  # 2、乌云其木格，女: a name written for its sound after a row's number
            row = _NUMBERED_SOUND_NAME.search(text, max(0, end - 14), end)
            if row and _transliterated_name(row.group("name")):
                start = row.start("name")
        if start >= 0:
            yield start, end, "name"


# A row's number at a line's start, then a name of 3-6 characters up to the sex.
_NUMBERED_SOUND_NAME = re.compile(
    r"(?:^|(?<=\n))[ \t]{0,4}\d{1,3}[、.)][ \t]{0,2}(?P<name>[\u4e00-\u9fff]{3,6})$"
)


def _row_start(text: str, start: int) -> bool:
    """Return whether ``start`` begins the text, a line, a cell, a clause or a numbered row."""
    return (
        start == 0
        or _ROW_START.match(text, start - 1) is not None
        or _ROW_NUMBER_BEFORE.search(text, max(0, start - 10), start) is not None
    )


# A row's number at a line's start (3.向东，男，…).
_ROW_NUMBER_BEFORE = re.compile(r"(?:^|(?<=\n))[ \t]{0,4}\d{1,3}[.、)][ \t]{0,2}$")


# A name of three spaced out ending a search's reach (蔡 伟 强), the same blank twice.
_SPACED_THREE_BEFORE = re.compile(r"[\u4e00-\u9fff]( {1,2})[\u4e00-\u9fff]\1[\u4e00-\u9fff]$")


def _spaced_three_before(text: str, end: int) -> int:
    """Return where a name of three spaced out ending at ``end`` starts a row or clause, or -1."""
    spaced = _SPACED_THREE_BEFORE.search(text, max(0, end - 7), end)
    if (
        spaced
        and _row_start(text, spaced.start())
        and _is_name(_BLANKS_IN_NAME.sub("", spaced.group()))
    ):
        return spaced.start()
    return -1


def _row_name_before(text: str, end: int) -> int:
    """Return where the name of a list's row ending at ``end`` starts, or -1.

    2-3 characters (4 with a compound surname), two spaced apart (许 静), or parts joined by
    middle dots; the name starts a line, a cell or a clause.
    """
    for length in (2, 3, 4):
        start = end - length
        if start < 0 or not _row_start(text, start):
            continue
        value = text[start:end]
        if (length < 4 or _four_may_be_a_name(value)) and _is_name(value):
            return start
        break
    spaced3 = _spaced_three_before(text, end)  # 2.蔡 伟 强，优待证号…
    if spaced3 >= 0:
        return spaced3
    for width in (3, 4) if " " in text[max(0, end - 3) : end - 1] else ():
        spaced = _SPACED_NAME.fullmatch(text, max(0, end - width), end)
        if spaced and _row_start(text, spaced.start()):
            return spaced.start() if _is_name(spaced.group()[0] + spaced.group()[-1]) else -1
    if "·" in text[max(0, end - 17) : end]:
        dotted = _DOTTED_BEFORE.search(text, max(0, end - 35), end)
        if dotted and _row_start(text, dotted.start()) and _dotted_name(dotted.group()):
            label = _NAME_LABEL.match(text, dotted.start())  # 申请人艾尔肯·吾斯曼: the label's
            return -1 if label and label.end() > dotted.start() else dotted.start()
    return -1


# A name right before a field of its own: the ID card's number (黄卫平（身份证号…）, 欧阳春，
# 身份证号), an identity document's label (林志远，护照号码…), the nationality (朴智勋（韩国籍）)
# or the birth date (管仲平（1961年4月生）).
_PERSONAL_FIELD_NEXT = re.compile(
    r"[，,( ](?:(?:香港|澳门|台湾)?(?:居民)?身份证|公民身份号码|身份号码|证件号|证件类型|证件名称"
    r"|(?:所?持)?(?:中华人民共和国|普通)?(?:护照|[Pp]assport|PASSPORT)"
    r"|(?:所?持)?(?:港澳居民|台湾居民|大陆居民)?(?:往来|来往)?(?:港澳|内地|大陆|台湾)通行证"
    r"|回乡证|台胞证|准考证|(?:原|所?持)?"
    + _MILITARY_LABEL
    + r"|[\u4e00-\u9fff]{0,4}国籍|籍贯|社会保障|社保卡|医保卡|驾驶证|残疾人证"
    # a personal certificate's number (何军伟（从业资格证号…）, 资格证书编号…), not an
    # officer's card shown in office (执法人员：张强（执法证号…）)
    r"|[\u4e00-\u9fff]{0,6}(?<!执法|工作|检查|稽查|监督|督察)证书?(?:号码?|编号)"
    r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?出?生(?![产活效态意]))"
)


# A place's field, whose value is no name though it ends like one (国籍：俄罗斯，护照… is no 罗斯).
_PLACE_VALUE_BEFORE = re.compile(r"(?:国籍|籍贯|民族|国家|地区|出生地)[:：]?[\u4e00-\u9fff]{0,2}$")
# A row of a list of foreigners: its number, the name in one writing, the other in brackets, then
# the nationality (1. RODRIGUEZ Carlos，国籍：…, 2. 李敏镐（LEE MIN HO），国籍：…).
_LATIN = r"[A-Z][A-Za-z'-]*(?: [A-Z][A-Za-z'-]*){1,3}"
_HAN_OR_DOTTED = r"[\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8}){0,3}"
_NATION = r"[\u4e00-\u9fff]{1,6}(?<![户原学党书典祖])籍"  # 俄罗斯籍, not 户籍
_NATIONALITY_ROW = re.compile(
    r"(?m)^[ \t]*+(?P<number>\d{1,3}[.、)][ \t]*+)?"
    r"(?P<name>" + _LATIN + "|" + _HAN_OR_DOTTED + r")"
    r"(?:\((?P<other>" + _LATIN + "|" + _HAN_OR_DOTTED + r")\))?"
    # then 国籍, or the nationality as …籍 after the sex, or in brackets (田中健一（日本籍）)
    r"(?:[，,][ \t]*国籍|(?:[，,][ \t]*[男女])?[，,][ \t]*" + _NATION + "|\\(" + _NATION + r"\))"
)


def _names_of_foreigners(text: str) -> Iterator[Candidate]:
    """Yield the names of a rows that give a nationality next (2. 李敏镐（LEE MIN HO），国籍)."""
    if "籍" not in text:
        return
    for m in _NATIONALITY_ROW.finditer(text):
        spans = [m.span("name")] + ([m.span("other")] if m.group("other") else [])
        numbered = m.group("number") is not None
        if all(_foreign_name(text[a:b], numbered) for a, b in spans):
            for a, b in spans:
                yield a, b, "name"


def _foreign_name(value: str, numbered: bool) -> bool:
    """Return whether a name in Latin letters, with middle dots or of a surname reads as one.

    In a numbered row, a foreigner's written in Chinese needs no Chinese surname (山本一郎).
    """
    if value[0].isascii():
        return not _NOT_LATIN_NAME.search(value)
    if "·" in value:
        return _is_dotted(value)
    if _is_name(value):
        return True
    # a foreigner's has no Chinese surname: with a row's number and the nationality beside
    # it, any characters but an organisation's or a hidden name's
    return (
        numbered
        and 2 <= len(value) <= _TRANSLITERATED_LONGEST
        and not _NOT_A_PERSON.search(value)
        and value[-1] not in "人员者方属"  # 1. 申请人（日本籍）, 外籍人员
    )


# A plot's bounds (四至) in a 宅基地 or land notice name the neighbours by their houses and fields:
# 东至郭二虎老宅，南至武喜旺宅，西至李秀英家承包地. Roads, ditches and fields are no names.
_BOUND = re.compile(
    r"[东西南北]至(?P<name>[\u4e00-\u9fff]{2,4}?)"
    r"(?:老宅|宅|住宅|房屋|住房|房|屋|家|院|承包地|责任田|耕地|菜地|自留地|林地)"
)


# An honours list set out as pairs of a place and a name, the pairs parted by wide blanks
# (龙文区　沈丽娟　　芗城区　蓝 天 明　　龙海区　郭志成): two pairs or more on a line, every name
# reading as one, in a list of persons (the lines around say so, as for a list under a heading).
_PAIR_GAP = re.compile(r"[ \t]{2,}")
_PLACE_AND_NAME = re.compile(
    r"(?P<place>[\u4e00-\u9fff]{1,8}?(?:区|县|市|旗|镇|乡|街道))[ \t]"
    r"(?P<name>[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]( ?)[\u4e00-\u9fff](?:\3[\u4e00-\u9fff])?)"
)


def _names_after_places(text: str) -> Iterator[Candidate]:
    """Yield the names of a line of place-and-name pairs in a list of persons."""
    for line in _LINE.finditer(text):
        if not _PAIR_GAP.search(line.group()):
            continue
        lead = len(line.group()) - len(line.group().lstrip(" \t"))
        cells = _cells(line.group()[lead:], line.start() + lead, _PAIR_GAP)
        if cells and cells[-1][0] == cells[-1][1]:
            cells.pop()  # blanks ending the line
        names: list[tuple[int, int]] = []
        for a, b in cells:
            pair = _PLACE_AND_NAME.fullmatch(text, a, b)
            if pair is None or not _is_pair_name(pair.group("name")):
                break
            names.append(pair.span("name"))
        else:
            low, high = line.span()
            around = text[max(0, low - _PERSON_LIST_BEFORE) : high + _PERSON_LIST_AFTER]
            if len(names) >= 2 and _PERSON_LIST_CUE.search(around):
                for start, end in names:
                    yield start, end, "name"


def _is_pair_name(value: str) -> bool:
    """Return whether a pair's second part reads as a name, spaced out or not."""
    plain = value.replace(" ", "")
    return _is_list_name(plain) and not _PLACE_LIKE.search(plain)


# A personal label a scan spaced out character by character (申 请 人：赵丽颖, 户　主：周杰):
# read back from its colon, the characters joined make a label of two to six characters.
_COLON = re.compile(r"[:：]")
_SPACED_LABEL_BEFORE = re.compile(
    r"(?<![\u4e00-\u9fff])(?:[\u4e00-\u9fff] {1,2}){1,5}[\u4e00-\u9fff][ \t]*$"
)
_LABEL_WORDS = frozenset(_NAME_LABEL_WORDS)


def _names_after_spaced_labels(text: str) -> Iterator[Candidate]:
    """Yield the names after personal labels spaced out character by character."""
    for colon in _COLON.finditer(text):
        spaced = _SPACED_LABEL_BEFORE.search(text, max(0, colon.start() - 16), colon.start())
        if spaced is None:
            continue
        joined = _BLANKS_IN_NAME.sub("", spaced.group()).strip()
        # the longest label ending the run (王 伟 申 请 人：… is 申请人)
        if not any(joined[k:] in _LABEL_WORDS for k in range(len(joined) - 1)):
            continue
        at = colon.end()
        while text.startswith((" ", "\t"), at):
            at += 1
        end = _name_at(text, at, _NAME_END_IN_PROSE, verbs=True)
        if end < 0:
            end = _name_before_a_sex(text, at)
        if end > 0 and not _OFFICE_NEXT.match(text, end) and not _FIRM.search(text, at, end):
            yield at, end, "name"


def _names_in_bounds(text: str) -> Iterator[Candidate]:
    """Yield the neighbours a plot's bounds name by their houses or fields (南至武喜旺宅)."""
    if "至" not in text:
        return
    for m in _BOUND.finditer(text):
        value = m.group("name")
        if value[-1] not in "家边侧旁头" and _is_list_name(value):
            yield m.start("name"), m.end("name"), "name"


# A form's field: a personal label, its value, a blank and the next field's label (申请人：其木格
# 性别：女, 监护人：额尔敦巴雅尔　与申请人关系：父女). The value may be a name written for its
# sound, with no common surname, as in a name column.
_FORM_VALUE = re.compile(
    r"[:：][ \t]*+(?P<name>[\u4e00-\u9fff]{3,6})[ \t]++"
    r"(?=(?:性别|民族|出生|年龄|身份证|公民身份|联系电话|手机|与[\u4e00-\u9fff]{1,5}关系)[:：])"
)
_FORM_LABEL_BEFORE = re.compile(r"(?:" + _words(*_NAME_LABEL_WORDS).pattern + r")$")


def _names_in_forms(text: str) -> Iterator[Candidate]:
    """Yield the names written for their sound in a form's field after a personal label."""
    for m in _FORM_VALUE.finditer(text):
        label = _FORM_LABEL_BEFORE.search(text, max(0, m.start() - 12), m.start())
        if label and _transliterated_name(m.group("name")):
            yield m.start("name"), m.end("name"), "name"


def _names_before_a_field(text: str) -> Iterator[Candidate]:
    """Yield the names written right before their ID card's number or birth date.

    A name that starts a clause, then its resident ID as the next item (张三，3710…, also
    partly hidden: 李四，3710**********1234) is one as well.

    Three characters are read first (most names have three), then two, then four with a
    compound surname.
    """
    for m in _PERSONAL_FIELD_NEXT.finditer(text):
        end = m.start()
        for length in (4, 3, 2):
            value = text[max(0, end - length) : end]
            if len(value) < length or (length == 4 and not _four_may_be_a_name(value)):
                continue
            if length == 3 and text[end - 4 : end - 2] in _COMPOUND_SURNAMES:
                continue  # 诸葛文斌: not 葛文斌
            if _is_name(value):
                if not _PLACE_VALUE_BEFORE.search(text, max(0, end - length - 6), end - length):
                    yield end - length, end, "name"
                break
        else:  # a name spaced out, starting a row or a clause (2.蔡 伟 强，优待证号…)
            spaced = _spaced_three_before(text, end)
            if spaced >= 0:
                yield spaced, end, "name"
    for m in _HIDDEN_ID_NEXT.finditer(text):
        start = _row_name_before(text, m.start())
        if start >= 0:
            yield start, m.start(), "name"


# A name, then its resident ID as the next item of a list: 张三，3710…; the ID found (below) or
# partly hidden (李四，3710**********1234).
_ID_AFTER_NAME = re.compile(r"[，,(]\s?$")
_HIDDEN_ID_NEXT = re.compile(
    r"[，,(]\s?[1-9]\d{3}(?=[0-9]{0,12}\*)[0-9*]{13}[0-9Xx*](?![0-9A-Za-z*])"
)


def _names_before_ids(text: str, found: list[Candidate]) -> Iterator[Candidate]:
    """Yield the names that start a clause right before a resident ID found (张三，3710…)."""
    for start, _, kind in found:
        if kind != "resident_id":
            continue
        sep = _ID_AFTER_NAME.search(text, max(0, start - 2), start)
        at = _row_name_before(text, sep.start()) if sep else -1
        if sep and at >= 0:
            yield at, sep.start(), "name"


# A row of a table flattened to text: a row's number, the name in the first cell, and further
# on the row a resident ID (also partly hidden) or a mobile (1\t王秀兰\t3710…). The blanks
# before the number and after it are each taken whole (possessive), as _LIST_LINE's are.
_ROW_NAME = re.compile(
    r"(?m)^[ \t]*+(?:\d{1,4}[、.,，|\t ]{1,3})?[ \t|]*+"
    r"(?P<name>[\u4e00-\u9fff] {1,2}[\u4e00-\u9fff]|[\u4e00-\u9fff][\u4e00-\u9fff·]{1,16})"
    r"(?![\u4e00-\u9fff·])"
    r"(?=[\t ,，|、]{1,4}[^\n]{0,80}?(?<![0-9])(?:1[3-9]\d{9}|[1-9]\d{5}[0-9*]{8,9}[0-9*Xx]{1,3})"
    r"(?![0-9]))"
)


def _names_in_rows(text: str) -> Iterator[Candidate]:
    """Yield the names in the first cell of a table's rows that hold an ID or a mobile."""
    for m in _ROW_NAME.finditer(text):
        value = m.group("name")
        if " " in value:  # 叶 青
            ok = _is_name(value[0] + value[-1])
        elif "·" in value:
            ok = value[-1] != "·" and _dotted_name(value)
        else:
            ok = _is_name(value)
        if ok:  # the cell ends where the name does: (?![\u4e00-\u9fff·]) and a delimiter
            yield m.start("name"), m.end("name"), "name"


# A numbered row of a list set out with blanks, its first cell a name (1. 杨木生　　4组　　…):
# the cell ends at a run of two blanks or a tab, as a column's does.
_NUMBERED_ROW = re.compile(
    r"(?m)^[ \t]*+(?:\d{1,3}[、.)]|\(\d{1,3}\))[ \t]*+"
    r"(?P<name>[\u4e00-\u9fff] {1,2}[\u4e00-\u9fff]|[\u4e00-\u9fff]{2,4})(?=[ \t]*\t|[ \t]{2})"
)


def _names_in_numbered_rows(text: str) -> Iterator[Candidate]:
    """Yield the names that open the numbered rows of a list of persons set out with blanks.

    Two rows or more must open with a name, two in three of all such rows; the rest may open
    with a surname no list holds (农志刚) but with nothing that stands in no name, as in a bare
    list; and the lines around must say the list is of persons (对象, 人员…), as for a list
    under a heading.
    """
    rows = list(_NUMBERED_ROW.finditer(text))
    named = [_is_list_item(m.group("name")) for m in rows]
    if sum(named) < 2 or 3 * sum(named) < 2 * len(rows):
        return
    for m, ok in zip(rows, named, strict=True):
        if not ok and not _bare_item(m.group("name")):
            continue
        around = text[max(0, m.start() - _PERSON_LIST_BEFORE) : m.end() + _PERSON_LIST_AFTER]
        if _PERSON_LIST_CUE.search(around) and not _PLACE_LIKE.search(m.group("name")):
            yield m.start("name"), m.end("name"), "name"


# ---------------------------------------------------------------------------- names with no label

# A 公示 list under a heading: a place, a unit or a group, an optional count in brackets, a
# colon, then short items split by 、 (鲸园街道：金晓明、白雪 / 一、环翠区（3人）：王刚、李娜 /
# 第一组：…). The heading has no comma and at most 20 characters.
_LIST_ORDINAL = (
    r"(?:[一二三四五六七八九十]{1,3}[、.]|\(?[一二三四五六七八九十\d]{1,3}\)|\d{1,2}[、.])?"
)
# Every run of spaces belongs to one part alone (possessive, and the head and the items begin
# and end with no space): spaces that several parts could share made a line of 200 spaces cost
# a minute, each way of sharing them tried in turn.
_LIST_LINE = re.compile(
    r"(?m)^[ \t]*+" + _LIST_ORDINAL + r"[ \t]*+"
    r"(?P<head>[^ \t\n:：，,。；;、()][^\n:：，,。；;、]{0,19}?)[ \t]*+"
    r"(?:\((?P<count>\d{1,3})(?P<unit>(?![班组队排连])[\u4e00-\u9fff])\))?[ \t]*+[:：][ \t]*+"
    r"(?P<items>[^ \t\n:：，,。；;](?:[^\n:：，,。；;]*[^ \t\n:：，,。；;])?)"
    r"[ \t]*+(?=$|[\n，,。；;])"
)
_LIST_ITEM = re.compile(
    r"[\u4e00-\u9fff] {1,2}[\u4e00-\u9fff](?![\u4e00-\u9fff])|[\u4e00-\u9fff]{2,4}"
)
# A household's size after each item (詹国友（3人）、詹小翠（1人）): every item is a person's.
_ITEM_COUNT = re.compile(r"\(\d{1,2}[人口]\)")
_CLASS_NUMBER = re.compile(r"\(\d{1,2}[班组队排连]?\)")  # 高一（3）班, 一年级（2班）
_BRACKET = re.compile(r"[()]")
_PERSON_UNITS = frozenset("人名户位")  # (3人), (2名), (3户): the items are persons
# What the list is of, in the lines around it: persons (拟聘用人员名单, 低保对象, 先进个人,
# 志愿者, 考生…). 名单 alone is no cue: villages and works are listed as well.
_PERSON_LIST_CUE = re.compile(
    r"人员|人选|个人|对象|考生|学生|志愿者|户主|获得者|候选人|工作者|党员|职工|同志|招聘|拟聘"
    r"|录用|聘用|招募|递补"
)
_PERSON_LIST_BEFORE, _PERSON_LIST_AFTER = 200, 100
# A heading that names officers acting in their office, whom a disclosure shows.
_OFFICER_HEAD = re.compile(
    r"(?:执法|办案|调查|检查|稽查|监察|承办|经办|询问|记录)(?:人员|队员|人)$|审判[长员]$|书记员$"
    r"|仲裁员$|交通警察$|民警$"
)
# A heading that names things, not a place or a unit whose persons are listed (涉及村庄：金山、
# 白石; 参会单位：…; 推广品种：…).
_THING_HEAD = re.compile(
    r"(?:村庄|村居|社区|小区|单位|企业|公司|项目|产品|品牌|作品|地点|场所|场地|路段|道路|河流|学校"
    r"|医院|部门|机构|内容|事项|范围|品种|名称|类别|方式|要求|措施|重点|任务|工作|村|路|街)$"
)


_BARE_ITEM = r"[\u4e00-\u9fff][\u4e00-\u9fff ]{1,5}"
# A line that is nothing but names listed with 、 (蒋雨桐、应海平、史明。) under a heading that
# names a list (…拟聘用人员名单) or amid words of persons.
_BARE_LIST_LINE = re.compile(
    r"(?m)^[ \t]*+(?P<items>" + _BARE_ITEM + r"(?:、" + _BARE_ITEM + r")++)[ \t]*+[。；;]?[ \t]*+$"
)
_BARE_LIST_ITEM = re.compile(r"[^、]+")
# An officer's note (执法证号…, 警号…, 均为执法人员, 村计生专干): the list is of officers in office.
_OFFICER_NOTE = re.compile(
    r"[^()\n]{0,12}(?:执法|警号|工号|证号|工作人员|专干|干事|干部|书记|主任|[局处科所站队]长)"
)
_LIST_TITLE = re.compile(r"名单|名录|如下")
# A row of a list that gives a name, then a note in brackets: its household, its place or its
# work (张德明（户主，分散供养）；, 马国军（和田县罗浦镇个体户）, 邝国华家庭（端州区）、). The note
# opens with no digit: (3人) counts a place's persons.
_NOTED_ITEM = re.compile(
    r"(?m)(?:^|[、；;])[ \t]*+" + _LIST_ORDINAL + r"[ \t]*+"
    r"(?P<name>[\u4e00-\u9fff] {1,2}[\u4e00-\u9fff]|[\u4e00-\u9fff][\u4e00-\u9fff·]{1,16}?)"
    r"(?P<family>家庭)?\((?![\d)])"
)


def _names_in_bare_lists(text: str) -> Iterator[Candidate]:
    """Yield the names of lines that list nothing but names under a list's heading."""
    for m in _BARE_LIST_LINE.finditer(text):
        items = list(_BARE_LIST_ITEM.finditer(text, m.start("items"), m.end("items")))
        # most must read as names; the rest may have a surname no list holds (和晓军), but
        # nothing that stands in no name
        named = [_is_list_item(i.group()) for i in items]
        if 4 * sum(named) < 3 * len(items):
            continue
        if not all(ok or _bare_item(i.group()) for ok, i in zip(named, items, strict=True)):
            continue
        above = text.rfind("\n", 0, max(0, m.start() - 1)) + 1
        around = text[max(0, m.start() - _PERSON_LIST_BEFORE) : m.end() + _PERSON_LIST_AFTER]
        if _LIST_TITLE.search(text, above, m.start()) or _PERSON_LIST_CUE.search(around):
            for i in items:
                yield i.start(), i.end(), "name"


def _bare_item(value: str) -> bool:
    """Return whether an item of a bare list may be a name: 2-4 characters that stand in names."""
    plain = value.replace(" ", "")
    return (
        2 <= len(plain) <= 4
        and (" " not in value or _SPACED_NAME.fullmatch(value) is not None)
        and all(ch not in _NOT_IN_NAMES for ch in plain[1:])
        and not _NOT_A_PERSON.search(plain)
    )


def _names_with_notes(text: str) -> Iterator[Candidate]:
    """Yield the names of a list's rows that a note in brackets follows, in a list of persons."""
    for m in _NOTED_ITEM.finditer(text):
        value = m.group("name")
        if "·" in value:
            ok = value[-1] != "·" and _is_dotted(value)
        else:
            ok = _is_list_item(value) and not _PLACE_LIKE.search(value)
        if not ok or _FIRM.search(value) or _OFFICER_NOTE.match(text, m.end()):
            continue
        around = text[max(0, m.start() - _PERSON_LIST_BEFORE) : m.end() + _PERSON_LIST_AFTER]
        if m.group("family") or text.startswith("户主", m.end()) or _PERSON_LIST_CUE.search(around):
            yield m.start("name"), m.end("name"), "name"


def _names_in_lists(text: str) -> Iterator[Candidate]:
    """Yield the names listed with 、 under a place's, a unit's or a group's heading.

    Every item must read as a name. Where a count of persons in brackets equals the number of
    items (环翠区（3人）：王刚、李娜、赵敏) that is enough; otherwise the heading must not
    name things (村庄, 单位, 项目…), the lines around must say the list is of persons
    (人员, 对象, 个人, 志愿者…), and a single item only goes on a list of names just above it.
    """
    previous_end = -2
    for m in _LIST_LINE.finditer(text):
        if _BRACKET.search(_CLASS_NUMBER.sub("", m.group("head"))):
            continue  # a heading holds no brackets but a number's (高一（3）班)
        if _OFFICER_HEAD.search(m.group("head")):
            continue  # officers acting in office (执法人员：林涛、赵凯)
        items = [i.span() for i in _LIST_ITEM.finditer(text, m.start("items"), m.end("items"))]
        listed = m.group("items")
        # each item with its household's size (陈家岗村：詹国友（3人）、詹小翠（1人）)
        sized = len(_ITEM_COUNT.findall(listed)) == len(items) > 0
        if "、".join(text[s:e] for s, e in items) != (
            _ITEM_COUNT.sub("", listed) if sized else listed
        ):
            continue
        if not all(_is_list_item(text[s:e]) for s, e in items):
            continue
        count, unit = m.group("count"), m.group("unit")
        if count is not None and unit not in _PERSON_UNITS:
            continue
        if count is None or int(count) != len(items):
            if count is not None or (_THING_HEAD.search(m.group("head")) and not sized):
                continue
            around = text[max(0, m.start() - _PERSON_LIST_BEFORE) : m.end() + _PERSON_LIST_AFTER]
            if not _PERSON_LIST_CUE.search(around):
                continue
            if len(items) < 2 and previous_end != m.start() - 1:
                continue
        previous_end = m.end()
        for start, end in items:
            yield start, end, "name"


# Names with no label that the sentence's shape shows: the subject of a finding of fact
# (经查，…，冷国栋在未取得…; 经调查核实，邹晓楠在…), persons named together (柳青霞、褚志国夫妇
# 共有的…, 王刚、王强兄弟二人), the loser in a notice of loss (车春燕遗失…), a name right before its
# own ID card's label (。柳青霞公民身份号码：…). Each starts a clause; reach and lists are bounded.
# …or a typical case told under its number (案例二：邝志明驾驶…, 典型案例三：…, a line opening
# （二）…), or what a report says (据群众举报，…)
_INQUIRY = re.compile(
    r"经(?:调查核实|调查|核查|核实|查明|查证|审查|查)[，,：:]|案例[一二三四五六七八九十\d]{1,3}[：:]"
    r"|(?m:^)[ \t]*(?:[一二三四五六七八九十]{1,3}、|\(?[一二三四五六七八九十\d]{1,2}\))"
    r"|据(?:群众|市民|村民)?(?:举报|反映|报警)[，,]"
)
_INQUIRY_REACH = 80
_SUBJECT_NEXT = re.compile(r"业已|已于|于\d|在|未经|未按|未取得|擅自|多次|曾|系|伙同|利用|驾驶")
# Two characters before 在, 曾 or 系 are as often a place or a household (周边在建, 王家在…):
# a name of two characters needs a verb only a person's act takes.
_SUBJECT_NEXT_SHORT = re.compile(r"业已|已于|于\d|未经|未按|未取得|擅自|伙同")
# A village, a household, a town or a city, not a person (王家, 王家疃, 李庄在…, 华夏城在…,
# 张家港在…, 张家口在…): no name where no label says so.
_PLACE_LIKE = re.compile(
    r"家[庄疃屯寨洼沟岭坡营堡湾峪岔台港口集店铺桥镇]?$|[庄疃屯寨洼沟岭坡营堡湾峪岔城港镇乡县州]$"
)
_CLAUSE_GAP = re.compile(r"[，,：:]")
# (Each branch begins with its own literal, none inside a group: the pattern then scans fast.)
_TOGETHER = r"(?:二人|两人|三人|俩|共同|共有)"
_TOGETHER_NEXT = re.compile(
    "夫妇|夫妻|"
    + "|".join(pair + _TOGETHER for pair in ("兄弟", "姐妹", "父子", "父女", "母子", "母女"))
    # 李建国、王秀兰等5人
    + r"|等(?:\d{1,3}|[一二两三四五六七八九十]{1,3})?(?:人(?!员)|名(?!同志))"
)
# A household named by its head after its village (张家疃村王德海户、李秀英户).
# (The village's last character is matched, not looked behind for: a look-behind first is tried
# at every character, a character first is scanned for.)
# So is a family honoured after its village, town or street (东墩村于学军家庭、…镇宫本利家庭).
_HOUSEHOLD = re.compile(
    r"(?:[村组、]|社区):?(?P<name>[\u4e00-\u9fff]{2,4}?)户(?=[、，,。；;\s(]|已|均|的)"
    r"|(?:[村组镇乡、]|社区|街道)(?P<family>[\u4e00-\u9fff]{2,4}?)家庭(?=[、，,。；;\s]|为|等)"
)
# Persons addressed as comrades in a list (于海滨同志、曲丽娜同志…): honoured or listed, unless
# the clause names an office (…同志任局长).
_COMRADE = re.compile(r"同志")
_CLAUSE_REACH = 60
# (No optional word before them: the pattern then starts with a literal and scans fast; 不慎遗失
# and 居民身份证号 are read back from the match.)
# A name opening a clause before 驾驶 is a driver's (2026年5月6日，水振海驾驶鲁K…).
_OWN_NEXT = re.compile(r"遗失|身份证号|公民身份号码|驾驶")
_OWN_NEXT_PREFIX = {"遗失": "不慎", "身份证号": "居民"}
_TOGETHER_MOST = 6


def _names_by_sentence(text: str) -> Iterator[Candidate]:
    """Yield the names with no label that a finding of fact, a group or a notice of loss shows."""
    done = 0  # clauses up to here were read for an earlier finding of fact
    for m in _INQUIRY.finditer(text):
        reach = min(len(text), m.end() + _INQUIRY_REACH)
        stop = _CLAUSE_END.search(text, m.end(), reach)
        limit = stop.start() if stop else reach
        at = m.end()
        if at < done:  # go on from the first clause not read yet
            gap = _CLAUSE_GAP.search(text, done - 1, limit)
            at = gap.end() if gap else limit
        done = max(done, limit)
        while at < limit:
            for end in range(min(at + 4, limit), at + 1, -1):  # the longest reading first
                rare = end - at == 4 and text[at : at + 2] not in _COMPOUND_SURNAMES
                if rare or not _is_name(text[at:end]) or _straddles(text, end):
                    continue
                subject = _SUBJECT_NEXT_SHORT if end - at == 2 else _SUBJECT_NEXT
                if subject.match(text, end) and not _PLACE_LIKE.search(text, at, end):
                    yield at, end, "name"
                break
            gap = _CLAUSE_GAP.search(text, at, limit)
            if gap is None:
                break
            at = gap.end()
    for m in _TOGETHER_NEXT.finditer(text):
        names = _names_listed_before(text, m.start(), _TOGETHER_MOST)
        if names and not _office_in_clause(text, m.end()):
            yield from names
    household_end = -1  # where the last household found ends: the next may follow it with 、
    for m in _HOUSEHOLD.finditer(text):
        start, end = m.span("name" if m.group("name") else "family")
        if text[start - 1] == "、" and start - 1 != household_end:
            continue
        if _is_list_name(text[start:end]) and not _PLACE_LIKE.search(text, start, end):
            household_end = m.end()
            yield start, end, "name"
    yield from _comrades(text)
    for m in _OWN_NEXT.finditer(text):
        end = m.start()
        prefix = _OWN_NEXT_PREFIX.get(m.group(), "")
        if prefix and text.startswith(prefix, end - len(prefix)):
            end -= len(prefix)
        yield from _names_listed_before(text, end, 1)


def _office_in_clause(text: str, at: int) -> bool:
    """Return whether the rest of the clause from ``at`` names a public office (…任局长)."""
    clause = _CLAUSE_END.search(text, at, at + _CLAUSE_REACH)
    end = clause.start() if clause else at + _CLAUSE_REACH
    return _OFFICE_IN_CLAUSE.search(text, at, end) is not None


def _comrades(text: str) -> Iterator[Candidate]:
    """Yield names listed with 、, each before 同志 (于海滨同志、曲丽娜同志…), two or more."""
    chain: list[Candidate] = []
    for m in _COMRADE.finditer(text):
        start = _row_name_before(text, m.start())
        named = start >= 0 and not _PLACE_LIKE.search(text, start, m.start())
        if named and chain and text[chain[-1][1] : start] == "同志、":
            chain.append((start, m.start(), "name"))
            continue
        if len(chain) > 1 and not _office_in_clause(text, chain[-1][1]):
            yield from chain
        chain = [(start, m.start(), "name")] if named else []
    if len(chain) > 1 and not _office_in_clause(text, chain[-1][1]):
        yield from chain


def _names_listed_before(text: str, end: int, most: int) -> list[Candidate]:
    """Return the names listed with 、 that end at ``end``, the first starting a clause, or none."""
    names: list[Candidate] = []
    while len(names) < most:
        start = _row_name_before(text, end)
        if start < 0 or _PLACE_LIKE.search(text, start, end):
            return []
        names.append((start, end, "name"))
        if start == 0 or text[start - 1] != "、":
            return names
        end = start - 1
    return []


def _is_list_item(value: str) -> bool:
    """Return whether a list's item reads as a name, two characters spaced apart too (李 明)."""
    if " " in value:
        return _SPACED_NAME.fullmatch(value) is not None and _is_name(value[0] + value[-1])
    return _is_list_name(value)


def _is_list_name(value: str) -> bool:
    """Return whether a list's item reads as a name: 2-3 characters, 4 with a compound surname."""
    return (len(value) < 4 or _four_may_be_a_name(value)) and _is_name(value)


# A personnel act's verb before the names it concerns (递补孟雅婷进入体检, 拟录用张伟、刘芳为…,
# 确定王丽为…先进个人, 同意李强辞去…, 转来区伟强的来信, “房秀芸”应为房秀云).
_ACT = re.compile(
    r"递补|拟录用|拟聘用|拟聘|拟招募|拟推荐|同意|确定|转来|收到|更正为|应为|由|授予|拟将|拟把"
)
_ACT_NEXT = {
    "同意": re.compile(r"辞去|退出|放弃|\((?:户主|申请人)\)"),  # 同意党国庆（户主）在…建房
    "确定": re.compile(r"为[^，,。；;\n]{0,20}?(?:人员|人选|个人|对象|候选人|志愿者|标兵|模范|员)"),
    "转来": re.compile(r"的?(?:来信|来电|信件|来访|投诉|举报|申请|诉求|信访)"),
    # who takes a post over or acts for another (由刘洪涛接替, 由其侄子于洋代领)
    "由": re.compile(r"接替|接任|代领|代办|代缴|代为|担任"),
    # an honour conferred (授予林晓燕、谷建华等3名同志“优秀网格员”称号)
    # (a place's name before a quoted title needs its quotes right after it: 授予荣成市“…”称号)
    "授予": re.compile(
        r"(?:等\d{0,3}[名位人]?)?(?:同志[“\"]?|[“\"])[^，,。；;\n“”\"]{1,20}[”\"]?(?:荣誉)?称号"
    ),
    # a person proposed for a status (拟将袁梦琪同志（女，…）列为发展对象)
    "拟将": re.compile(
        r"(?:同志)?(?:\([^()\n]{0,40}\))?(?:列为|确定为|推荐为|作为|纳入|评为|认定为)"
    ),
}
_ACT_NEXT["拟把"] = _ACT_NEXT["拟将"]
# Acts whose object is as often a place or a unit as a person: names of two or three characters
# (four with a compound surname) that read as no place.
_ACTS_ON_ANYONE = frozenset(("授予", "拟将", "拟把"))
_ACT_NEXT["收到"] = _ACT_NEXT["转来"]
# A correction (应为) names persons only where the wrong writing stands quoted before it or the
# sentence says what was wrong (记载有误，应为…).
_CORRECTION_BEFORE = re.compile(r"[”\"'’]$|(?:有误|错误|更正|勘误)[^。；;\n]{0,12}$")
# Officials appointed, removed or resigning act for their agency (任免): not found.
_OFFICE_IN_CLAUSE = re.compile(
    r"职务|[省市区县镇乡]长|局长|厅长|处长|科长|所长|院长|部长|署长|主任|书记|主席|委员|代表"
    r"|秘书长|检察长|庭长|队长|站长|[^，,。；;\n]{0,4}长(?=[，,。；;\n]|$)"
)
_CLAUSE_END = re.compile(r"[。；;\n]")
# every place an office's word starts, overlapping ones too (局长 and 长 in it)
_OFFICE_STARTS = re.compile(f"(?=(?:{_OFFICE_IN_CLAUSE.pattern}))")


class _ClauseOffices:
    """Where a text's clauses end and its offices' words start, each read once.

    Searching the rest of the clause after each act read a long clause again at every
    act: 50,000 characters of 递补王 took minutes.
    """

    def __init__(self, text: str) -> None:
        self.ends = [m.start() for m in _CLAUSE_END.finditer(text)]
        self.offices = [m.start() for m in _OFFICE_STARTS.finditer(text)]
        self.length = len(text)

    def named_after(self, at: int) -> bool:
        """Return whether the clause from ``at`` to its end names an office.

        As ``_OFFICE_IN_CLAUSE.search(text, at, end)``: no word of an office holds a
        clause's end, so one that starts before it is read the same either way.
        """
        i = bisect_left(self.ends, at)
        end = self.ends[i] if i < len(self.ends) else self.length
        j = bisect_left(self.offices, at)
        return j < len(self.offices) and self.offices[j] < end


def _names_after_acts(text: str) -> Iterator[Candidate]:
    """Yield the names a personnel act's verb names, listed with 、 (递补孟雅婷进入体检).

    同意 only before 辞去 or 放弃, 确定 only before 为 and a person's role, 转来 and 收到 only
    before 的来信 and its like, 应为 only in a correction (and the quoted wrong writing before
    it); never in an official's 任免.
    """
    clauses: _ClauseOffices | None = None  # read when an act first names someone
    for m in _ACT.finditer(text):
        act = m.group()
        if act in ("应为", "更正为"):
            before = _CORRECTION_BEFORE.search(text, max(0, m.start() - 20), m.start())
            if before is None:
                continue
        names = _act_names(text, m.end(), _ACT_NEXT.get(act))
        if not names:
            continue
        if act in _ACTS_ON_ANYONE and not all(
            _is_act_item(text[a:b]) and not _PLACE_LIKE.search(text, a, b) for a, b in names
        ):
            continue  # 授予华夏城景区“…”称号, 拟将石岛渔港作为…: places and units are honoured too
        clauses = clauses or _ClauseOffices(text)
        if clauses.named_after(names[-1][1]):
            continue
        if act in ("应为", "更正为"):
            names += _quoted_names(text, m.start())
        for start, end in names:
            yield start, end, "name"


def _is_act_item(value: str) -> bool:
    """Return whether an item an act names reads as a person: a name, spaced or dotted too."""
    if "·" in value:
        return value[-1] != "·" and _is_dotted(value)
    return _is_list_item(value)


def _act_names(text: str, at: int, then: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Return the names listed with 、 from ``at`` that ``then`` follows, or none.

    Each name is the likeliest reading that the list goes on after or, for the last one, that
    ``then`` follows (确定王丽为…: not 王丽为, then 2026年); none ends in the act's 为. An item
    may tell the person's work before the name (纪念馆讲解员尹佳同志).
    """
    names: list[tuple[int, int]] = []
    while True:
        described = _DESCRIBED.match(text, at)
        if described and _name_at(text, at, _NAME_END_IN_PROSE, verbs=True) < 0:
            at = described.end()
        for end in _name_ends(text, at, _NAME_END_IN_PROSE, verbs=True):
            if text[end - 1] == "为" and end - at > 2:
                continue  # the act's 为 (拟聘用侯晓光为⏎…), not a name's last character
            listed = _LISTED_NEXT.match(text, end)
            if listed or then is None or then.match(text, end):
                break
        else:
            return []
        names.append((at, end))
        if listed is None:
            return names
        at = listed.end()


# A person's work told before the name an act names (…纪念馆讲解员尹佳, 某村村民王芳).
# …or the unit a blank parts from it (袁州区第一中学 易明辉).
_DESCRIBED = re.compile(
    r"[^、，,。；;\n“”\"() ]{2,16}?"
    r"(?:员|师|医生|工人|职工|村民|居民|农民|学生|(?<=[\u4e00-\u9fff]) )"
)


def _quoted_names(text: str, end: int) -> list[tuple[int, int]]:
    """Return the names listed with 、 in the quotation that ends at ``end``, if all are names."""
    quote = re.search(r"[“\"‘']([\u4e00-\u9fff、]{2,40})[”\"’']$", text[max(0, end - 42) : end])
    if quote is None:
        return []
    offset = end - len(quote.group()) + 1
    parts = quote.group(1).split("、")
    if not all(_is_list_name(p) for p in parts):
        return []
    spans, at = [], offset
    for part in parts:
        spans.append((at, at + len(part)))
        at += len(part) + 1
    return spans


# ---------------------------------------------------------------------------- birth dates

# A date with its month (1975年3月12日, 1936年5月, 1958-01-01, 1968.05, 1990/1/1).
_DATE = re.compile(
    _NB + r"(?P<year>(?:19|20)\d\d)(?:年(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?"
    r"|(?P<sep>[-./])(?P<month2>\d{1,2})(?:(?P=sep)(?P<day2>\d{1,2}))?(?![0-9]|[-./]\d))"
)
# What makes a date a birth date: a label before it (出生日期：, 生日, 出生于), 生 or 出生 after
# it (1975年3月12日出生, not 生效 or 生产), or a sex before it in a row (张三，男，1968.05，…).
_BIRTH_BEFORE = re.compile(
    r"(?:出生日期|出生年月日|出生年月|出生时间|出生于|生日|出生|生于)[ \t]*[:：]?[ \t]*$"
)
_BIRTH_AFTER = re.compile(r"出?生(?![产活效态意成])")
_SEX_BEFORE = re.compile(r"(?:^|[\s，,、|])[男女][ \t]*[，,、|\t ][ \t]*$")
_CELL_END = re.compile(r"$|[\s，,、;；|。)]")


def _birth_dates(text: str) -> Iterator[Candidate]:
    """Yield dates of birth: real dates with their month that a label, 生 or a sex ties to one."""
    for m in _DATE.finditer(text):
        year, month = int(m.group("year")), int(m.group("month") or m.group("month2"))
        day = m.group("day") or m.group("day2")
        if not _real_date(year, month, int(day) if day else 1):
            continue
        before = text[max(0, m.start() - 8) : m.start()]
        if (
            _BIRTH_BEFORE.search(before)
            or _BIRTH_AFTER.match(text, m.end())
            or (_SEX_BEFORE.search(before) and _CELL_END.match(text, m.end()))
        ):
            yield m.start(), m.end(), "birth_date"


# ---------------------------------------------------------------------------- addresses

_ADDRESS_LABEL = re.compile(
    r"(?:"
    + _words(
        "住址", "家庭住址", "家庭地址", "现住址", "现住", "现居住地", "居住地址", "居住地",
        "经常居住地", "户籍地址", "户籍所在地", "户籍地", "身份证住址", "家住",
        "最后住所地", "最后居住地", "原住址", "现居住", "经营者住所", "投资人住所",
    ).pattern
    + r"|(?P<stay>住宿地址|暂住地址|暂住地)"
    + r"|(?P<seat>住所地?)|(?P<lives>居住[在于]|(?<=[我他她])住在|(?<=所)居住的|原住(?![房宿户])"
    + r"|(?<=生前)住(?![房宿院所址户]))"
    # a person's own address in prose: where the lost deed's or his own home stands (遗失位于…,
    # 其位于…的住房), where a household moves from and to (户口由…迁至…), the address an
    # applicant gave (你提供的地址：…). A house taken or sold (房屋位于…) is no home told.
    + r"|(?P<prose>(?:(?<=遗失)|(?<=其))位于|户口由|户籍由"
    + r"|(?:(?<=你)|(?<=您))提供的(?:通讯|联系|邮寄|送达)?地址)"
    + r"|(?P<moved>迁至|迁往|迁入)(?:其?[\u4e00-\u9fff]{1,4}家\()?"
    + r"|(?P<post>通讯地址|通信地址|联系地址|邮寄地址|送达地址)"
    # a bare 地址 opening a line of a person's form (被处罚人名称：…⏎纳税人识别号：…⏎地址：…)
    + r"|(?P<form>(?:(?<=\n)|^)[ \t]*地址(?=[ \t]*[:：]))"
    + r"|(?<=[，,、；;\s])住(?![房宿建院所址户]))(?:[ \t]*[:：][ \t]*|为|是|在)?"
)  # fmt: skip
# 住所 is a firm's seat as much as a person's home: it is a home only after a person's own
# particulars on the same line (…，男，1967年9月出生，住所…), and no firm's name there.
_PERSON_ON_LINE = re.compile(r"[男女](?=[，,、；;\s)])|出生|身份证|公民身份号码|[汉回藏满]族")
_FIRM_ON_LINE = re.compile(
    r"公司|企业|合作社|集团|有限|商行|经营部|事务所|中心|协会|学校|医院|政府|委员会|机关|[局厂店]"
)
_LINE_BEFORE = 80
# An agency's own address (地址, 通讯地址, 办公地址, 单位地址) is not a label here.
_ADDRESS_END = re.compile(
    # a blank ends it unless a block's part follows (彭家湾社区 B区12栋, 幸福里 3号楼); so do a
    # year (亓家庄村2019年宅基地档案) and a quote's end
    r"[，,。；;！？!?\n\t“”\"]| (?![A-Za-z]?\d{0,4}(?:区|座|栋|幢|号|楼|单元|室|-))|\d{7}|\d{4}年|"
    + _words(
        "电话", "手机", "联系", "邮编", "邮政编码", "身份证", "性别", "姓名", "出生",
        "年龄", "工作单位", "职业", "户籍", "现住", "居住", "家庭住址", "住址", "微信", "QQ",
        "邮箱", "电子邮", "迁至", "迁往", "迁入",
    ).pattern
    + r"|民族(?![大路街巷广])"  # the next field, not 民族大道 or 民族路 of a street's name
)  # fmt: skip
_PLACE_WORDS = re.compile(
    r"省|市|区|县|旗|州|镇|乡|村|街道|路|街|巷|弄|胡同|号|小区|社区|花园|公寓|大厦|栋|幢|"
    r"单元|室|楼|屯|组"
)
_STREET_WORDS = re.compile(r"路|街|巷|弄|胡同|号|村|组|屯|小区|社区|栋|幢|单元|室|楼|驻地")
# After a bare 住 a city and its district or county alone (住乌鲁木齐市天山区) is a home only
# where the sentence before it names a person (求助人：邱建平，住…; …，男，1965年8月出生，住…).
_CITY_DISTRICT = re.compile(
    r"(?:[\u4e00-\u9fff]{2,10}?(?:省|自治区))?[\u4e00-\u9fff]{2,6}?(?:市|州|盟)"
    r"(?:[\u4e00-\u9fff]{1,6}?(?:区|县|旗|市)(?:[\u4e00-\u9fff]{1,6}?(?:镇|乡|街道))?"
    r"|[\u4e00-\u9fff]{1,6}?(?:镇|乡|街道))"
)
_SENTENCE_START = re.compile(r"[。！？!?\n]")
# Prose after a label read as a place (户籍所在地村（居）委会出具): an agency's doing, no home.
_NOT_AN_ADDRESS = re.compile(r"出具|开具|办理|核实|核查|\(居\)")
_LODGING = re.compile(r"宾馆|酒店|饭店|旅馆|旅店|旅社|招待所|客栈|民宿")
_HIDDEN_MARKS = re.compile(r"某|[Xx×*○〇]{2}|\*")
_ADDRESS_LONGEST = 60
_ADDRESS_TRAILING = "([【-:：、"


def _addresses(text: str) -> Iterator[Candidate]:
    """Yield home addresses: the field after a personal address label, if it reads as one."""
    for m in _ADDRESS_LABEL.finditer(text):
        start = m.end()
        stop = _ADDRESS_END.search(text, start, start + _ADDRESS_LONGEST + 1)
        end = stop.start() if stop else min(len(text), start + _ADDRESS_LONGEST + 1)
        while end > start and text[end - 1] in _ADDRESS_TRAILING:
            end -= 1
        value = text[start:end]
        if not 4 <= len(value) <= _ADDRESS_LONGEST or _HIDDEN_MARKS.search(value):
            continue
        if _NOT_AN_ADDRESS.search(value):
            continue
        if m.group("seat") and not _a_persons_line(text, m.start()):
            continue
        if m.group("form") and not _a_persons_block(text, m.start()):
            continue
        wrapped = _wrapped_rest(text, end, value)
        if wrapped > end:
            end, value = wrapped, text[start:wrapped]
        if m.group("stay") and _LODGING.search(value):
            continue  # a guest's hotel is no home of his
        # a bracket closed that the address never opened (住…路47号）：) is the sentence's
        closing = value.find(")")
        if closing >= 0 and "(" not in value[:closing]:
            value = value[:closing]
            end = start + closing
        if m.group("post") and not _a_persons_form(text, m.start(), value):
            continue
        # the sentence goes on after the address (…1502室的不动产权证书, …15号房屋所在地块的…)
        prose = m.group("prose") or m.group("moved")
        cut = _last_unit_end(value)
        rest = value[cut : cut + 1]
        # …and so it does after 所居住的 (你所居住的…402室楼上住户…)
        told = prose or m.group("lives")
        if (_PROSE_AFTER.match(value, cut) and not _PLACE_WORDS.search(value, cut)) or (
            told and rest and not (rest.isascii() and rest.isalnum())
        ):
            value = value[:cut]
            end = start + cut
        if prose and not _UNIT_END.search(value):
            continue  # told in prose, a home has its number (迁至佛山市南海区桂城街道 is a town)
        if prose and not _a_persons_prose(text, m.end(), value):
            continue
        # A bare 住 (，住威海市…路12号) or 居住在 needs a street, a number or a village.
        bare = (m.group().startswith("住") and not m.group("seat")) or m.group("lives")
        # …or a city and its district, where the sentence names a person (住乌鲁木齐市天山区).
        city = bare and not m.group("lives") and _CITY_DISTRICT.fullmatch(value) is not None
        if (_STREET_WORDS if bare else _PLACE_WORDS).search(value) or (
            city and _a_persons_sentence(text, m.start())
        ):
            yield start, end, "address"


# Where an address told in prose ends: a number's house, flat or room (…3号楼1502室, …27号,
# …32号之一: a house numbered after its neighbour's is part of its number).
_UNIT_END = re.compile(
    r"[0-9A-Za-z](?:号(?:楼|院)?(?:之[一二三四五六七八九十]{1,3})?|室|房(?!屋|产)|栋|幢)"
)
# Words after a number's end: the sentence goes on (…1502室的不动产权证书), no flat's number.
_PROSE_AFTER = re.compile(r"[\u4e00-\u9fff]{2}")
# Whose place prose tells: a household's or a person's (户口由…迁至, 你提供的地址, 其位于…), not
# an office's, a firm's or a shop's (办公地点迁至…, 你单位…, 其位于…的门店).
_MOVER = re.compile(r"户口|户籍|遗失|[你您其]")
_NOT_A_HOME = re.compile(r"单位|办公|营业|经营|门店|店铺|商铺|厂房|仓库|场所|注册|厂址")


def _last_unit_end(value: str) -> int:
    """Return where the last house, flat or room number in ``value`` ends, or its length."""
    last = _last_match(_UNIT_END, value, 0, len(value))
    return last.end() if last else len(value)


def _a_persons_prose(text: str, at: int, value: str) -> bool:
    """Return whether the sentence up to an address told in prose names a household or person.

    Neither it nor the words right after the address may name an office, a firm or a shop.
    """
    low = max(0, at - _LINE_BEFORE)
    stop = _last_match(_SENTENCE_START, text, low, at)
    sentence = text[stop.end() if stop else low : at]
    after = text[at : at + len(value) + 24]
    return bool(_MOVER.search(sentence) or _a_persons_sentence(text, at)) and not (
        _FIRM_ON_LINE.search(sentence) or _NOT_A_HOME.search(sentence + after)
    )


def _a_persons_form(text: str, at: int, value: str) -> bool:
    """Return whether a postal address at ``at`` is a person's: a personal label before it.

    Agencies print their own postal addresses, so a firm or an agency between the label and
    the address, or in the address, makes it none.
    """
    window = text[max(0, at - _LINE_BEFORE - 40) : at]
    labels = list(_NAME_LABEL.finditer(window))
    if not labels:
        return False
    # From the first label: a firm applying (申请人：…有限公司⏎联系人：…) gives its own address.
    between = window[labels[0].start() :] + value
    return not _FIRM_ON_LINE.search(between) and "本机关" not in between


def _a_persons_sentence(text: str, at: int) -> bool:
    """Return whether the sentence before ``at`` names a person and no firm or agency."""
    low = max(0, at - _LINE_BEFORE)
    stop = _last_match(_SENTENCE_START, text, low, at)
    sentence = text[stop.end() if stop else low : at]
    person = _PERSON_ON_LINE.search(sentence) or _NAME_LABEL.search(sentence)
    return bool(person) and not _FIRM_ON_LINE.search(sentence)


# An address a scan or a narrow column wrapped (户籍地江西省于都县贡江镇⏎长征大道西路66号): the
# part before the break ends with a town, a street's office or a district and holds no number;
# the next line, no field of its own, is a street or a village with its number, and ends there.
_WRAPPED_HEAD = re.compile(r"(?:省|市|区|县|旗|镇|乡|街道|社区|村委会)$")
_WRAPPED_REST = re.compile(
    r"[\u4e00-\u9fff0-9A-Za-z-]{0,20}?(?:路|街|巷|弄|村|小区|社区|花园|苑|大厦)"
    r"[\u4e00-\u9fff0-9A-Za-z-]{0,20}?\d(?:号(?:楼|院)?|室|栋|幢|组)(?:\d{1,5}(?:室|号))?"
    r"(?=$|[\s，,。；;()])"
)


def _wrapped_rest(text: str, end: int, value: str) -> int:
    """Return where an address cut by a line break ends on the next line, or ``end``."""
    if not text.startswith("\n", end) or not _WRAPPED_HEAD.search(value):
        return end
    if _UNIT_END.search(value):
        return end
    rest = _WRAPPED_REST.match(text, end + 1)
    return rest.end() if rest else end


# The block of a person's form above a line: from the last line that opens with a personal
# label (被处罚人名称：…), which must give a sex, a birth, an ID card's label or number.
_ID18_RUN = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_LABEL_OPENS_LINE = re.compile(r"(?m)^[ \t]*(?:" + _words(*_NAME_LABEL_WORDS).pattern + r")")


def _a_persons_block(text: str, at: int) -> bool:
    """Return whether the form's lines just above ``at`` are a person's, naming no firm."""
    low = max(0, at - 2 * _LINE_BEFORE)
    opened = _last_match(_LABEL_OPENS_LINE, text, low, at)
    if opened is None:
        return False
    block = text[opened.start() : at]
    person = _PERSON_ON_LINE.search(block) or any(
        _valid_id18(m.group()) for m in _ID18_RUN.finditer(block)
    )
    return bool(person) and not _FIRM_ON_LINE.search(block)


# The name a person trades under (个体工商户，字号：双清区志刚快餐店).
_TRADE_NAME = re.compile(r"(?:字号|店名|名称)[:：][^，,。；;\n()]*")


def _a_persons_line(text: str, at: int) -> bool:
    """Return whether the line before ``at`` gives a person's particulars and names no firm.

    Where the label opens its line (a form: 当事人：…⏎性别：男…⏎住所：…), the lines above it.
    """
    line_start = text.rfind("\n", max(0, at - _LINE_BEFORE), at) + 1
    line = text[max(line_start, at - _LINE_BEFORE) : at]
    if not line.strip():
        line = text[max(0, at - _LINE_BEFORE) : at]
    if "个体工商户" in line:  # a person trading: the shop's name is no firm's seat
        line = _TRADE_NAME.sub("", line)
    return bool(_PERSON_ON_LINE.search(line)) and not _FIRM_ON_LINE.search(line)


# ---------------------------------------------------------------------------- table columns

# A table flattened to text: a header row names its columns (序号 户主姓名 身份证号 家庭住址…)
# and the rows below it, split the same way into as many cells, hold those values. The header's
# word for a column is what shows a cell to be a name, an address or a birth date.
# A gap begins where no blank is before it (a gap takes the blanks after it whole): tried from
# every blank of a long run, each read on to the run's end, a line of them cost its square.
_CELL_SPLITS = (
    ("\t", re.compile(r"(?<![ \t])[ \t]*\t[ \t]*")),
    ("|", re.compile(r"(?<! ) *\| *")),
    (",", re.compile(r"(?<! ) *[,，] *")),
    ("  ", re.compile(r" {2,}")),
    (" ", re.compile(r" +")),
)
_HEADER_CUE = re.compile(
    r"姓 *名|相对人名称|户主|出生|住址|地址|人(?:\([^()\n]{1,8}\))?(?:[ \t|,，]|$)|人员|对象|户名"
    r"|男方|女方|者(?:[ \t|,，]|$)"  # 经营者, 获奖者
)
_NAME_COLUMN = re.compile(
    r"(?:.{0,6}姓名|" + _words(*_NAME_LABEL_WORDS).pattern + r")(?:\([^()]{1,8}\))?"
)
_ADDRESS_COLUMN = re.compile(
    r"(?:家庭|现|户籍|居住|详细|身份证)?(?:住址|地址|住所)|户籍所在地|现居住地|居住地"
)
_BIRTH_COLUMN = re.compile(r"出生(?:年月日?|日期|时间)|生日")
_NOT_IN_NAME_CELL = frozenset(("合计", "小计", "总计", "本人", "户主", "空白", "以下空白"))
_TRANSLITERATED_LONGEST = 6
# Syllables of Mongolian and Tibetan names that _NOT_IN_NAMES keeps out of Chinese given names.
_SOUND_SYLLABLES = frozenset("格多日其次额")
_CELL_PARTS = re.compile(r"[^/、]+")
_SINGLE_SPACES = _CELL_SPLITS[-1][1]
# Two words a single blank parts in a header split at wider blanks (序号　姓名　　残疾人证号: a
# header typed with one ideographic space here and two there): its cells are split at any blank.
_TWO_WORDS = re.compile(r"[^ ]{2} [^ ]{2}")


def _cells(line: str, offset: int, split: re.Pattern[str]) -> list[tuple[int, int]]:
    """Return the spans of a line's cells between the separators ``split`` matches."""
    spans, at = [], 0
    for gap in split.finditer(line):
        spans.append((offset + at, offset + gap.start()))
        at = gap.end()
    spans.append((offset + at, offset + len(line)))
    return spans


def _header(line: str) -> tuple[re.Pattern[str], int, dict[int, str]] | None:
    """Return a header row's splitter, its number of cells and the kinds of its columns."""
    for mark, split in _CELL_SPLITS:
        if mark not in line:
            continue
        cells = [line[a:b] for a, b in _cells(line, 0, split)]
        if mark == "  " and any(_TWO_WORDS.search(cell) for cell in cells):
            continue
        cells = [cell.replace(" ", "") for cell in cells]
        if len(cells) < 3:
            return None
        kinds = {}
        for i, cell in enumerate(cells):
            if _NAME_COLUMN.fullmatch(cell):
                kinds[i] = "name"
            elif _ADDRESS_COLUMN.fullmatch(cell):
                kinds[i] = "address"
            elif _BIRTH_COLUMN.fullmatch(cell):
                kinds[i] = "birth_date"
        return (split, len(cells), kinds) if kinds else None
    return None


def _row_cells(line: str, offset: int, split: re.Pattern[str], n: int) -> list[tuple[int, int]]:
    """Return a row's cells if it has the header's number, a name padded with a space joined."""
    lead = len(line) - len(line.lstrip(" "))  # a row indented by a blank ( 方  琳  …)
    line, offset = line[lead:], offset + lead
    cells = _cells(line, offset, split)
    if len(cells) == n + 1 and split.pattern in (" +", " {2,}"):  # 3 黎 静 女, 龚  翠  视力
        for i in range(len(cells) - 1):
            (a, b), (c, d) = cells[i], cells[i + 1]
            # …or a name of three split by a blank, two and one (龚雪 芬) or one and two
            if (
                b > a
                and d > c
                and (b - a) + (d - c) <= 3
                and _is_name(line[a - offset : b - offset] + line[c - offset : d - offset])
                and c - b <= 2
            ):
                return [*cells[:i], (a, d), *cells[i + 2 :]]
    if len(cells) == n + 2 and split.pattern in (" +", " {2,}"):  # 第1号  时 光 明  2314
        for i in range(len(cells) - 2):
            (a, b), (c, d), (e, f) = cells[i : i + 3]
            if (
                b - a == d - c == f - e == 1
                and c - b == e - d <= 2
                and _is_name(line[a - offset] + line[c - offset] + line[e - offset])
            ):
                return [*cells[:i], (a, f), *cells[i + 3 :]]
    if len(cells) < n and split.pattern == " {2,}":  # a row spaced more narrowly than its header
        return _row_cells(line, offset, _SINGLE_SPACES, n)
    return cells if len(cells) == n else []


def _cell_value(text: str, start: int, end: int, kind: str) -> Iterator[Candidate]:
    """Yield the values of a cell that read as ``kind``; / or 、 part several (蒋文华/邹玉梅)."""
    for part in _CELL_PARTS.finditer(text, start, end):
        a, b = part.span()
        value = text[a:b]
        if kind == "name":
            pair = value[0] + value[-1] if _SPACED_NAME.fullmatch(value) else ""
            if _SPACED_IN_THREE.fullmatch(value) or _SPACED_THREE.fullmatch(value):  # 龚雪 芬
                pair = value.replace(" ", "")
            ok = (
                _is_name(pair or value)
                or ("·" in value and value[-1] != "·" and _dotted_name(value))
                or (
                    2 <= len(value) <= 4
                    and all(_is_han(ch) and ch not in _NOT_IN_NAMES for ch in value)
                    and value not in _NOT_IN_NAME_CELL
                )
                or _transliterated_name(value)
            ) and not _FIRM.search(value)  # a column of parties holds firms too (鑫悦商行)
        elif kind == "birth_date":
            date_cell = _DATE.fullmatch(value)
            ok = date_cell is not None and _real_date(
                int(date_cell.group("year")),
                int(date_cell.group("month") or date_cell.group("month2")),
                int(date_cell.group("day") or date_cell.group("day2") or 1),
            )
        else:
            ok = 4 <= len(value) <= _ADDRESS_LONGEST and bool(_PLACE_WORDS.search(value))
            ok = ok and not _HIDDEN_MARKS.search(value)
            # a city and its district alone (户籍所在地：江苏省苏州市吴中区) points to no home
            ok = ok and _CITY_DISTRICT.fullmatch(value) is None
        if ok:
            yield a, b, kind


def _transliterated_name(value: str) -> bool:
    """Return whether a name cell holds a Mongolian, Tibetan or Uyghur name with no middle dot.

    3-6 characters written for their sound (其木格, 乌力吉巴图, 斯琴高娃, 多吉次仁), with no
    common surname: each must stand in names or be such a syllable (格, 多, 日, 其, 次); nothing
    of an organisation or a hidden name.
    """
    return (
        3 <= len(value) <= _TRANSLITERATED_LONGEST
        and all(_is_han(ch) for ch in value)
        and all(ch not in _NOT_IN_NAMES or ch in _SOUND_SYLLABLES for ch in value)
        and not _NOT_A_PERSON.search(value)
        and value not in _NOT_IN_NAME_CELL
    )


_SPACED_THREE = re.compile(r"[\u4e00-\u9fff]( {1,2})[\u4e00-\u9fff]\1[\u4e00-\u9fff]")
_SPACED_IN_THREE = re.compile(
    r"[\u4e00-\u9fff]{2} {1,2}[\u4e00-\u9fff]|[\u4e00-\u9fff] {1,2}[\u4e00-\u9fff]{2}"
)
_TABLE_MISFITS = 1
_ROW_MARK = re.compile(r"[0-9*]")


def _columns(text: str) -> Iterator[Candidate]:
    """Yield the names, addresses and birth dates in the columns a table's header names."""
    header: tuple[re.Pattern[str], int, dict[int, str]] | None = None
    misfits = 0  # rows in a row not of the header's shape
    for m in re.finditer(r"[^\n]+", text):
        line, offset = m.group(), m.start()
        cells = _row_cells(line, offset, header[0], header[1]) if header else []
        if header and cells:
            misfits = 0
            for i, kind in header[2].items():
                yield from _cell_value(text, *cells[i], kind)
            continue
        new = _header(line) if _HEADER_CUE.search(line) else None
        misfits += 1
        # One row of another shape (a merged cell, a masked number) does not end the table;
        # a line of words without a number (以上名单公示七日) does.
        if new is not None or misfits > _TABLE_MISFITS or not _ROW_MARK.search(line):
            header, misfits = new, 0


# Where a name or an address is found again: the same characters anywhere in the text.
_TEXT_COPY_MIN = {"name": 2, "address": 6}
# A name's characters beginning a place's or a firm's name (向阳 and 向阳社区) are no copy.
_PLACE_AFTER_NAME = re.compile(
    r"社区|村(?!民)|街道|大街|路|镇|乡|小区|花园|公司|集团|大厦|广场|学校|中学|小学|医院|超市"
    r"|酒店|宾馆"
)


# A name padded or spaced out (谢 玲, 刘 春 生) stands elsewhere written close (谢玲, 刘春生).
_SPACED_IN_NAME = re.compile(r"[\u4e00-\u9fff](?:[ \n]{1,2}[\u4e00-\u9fff]{1,2}){1,2}")
_BLANKS_IN_NAME = re.compile(r"[ \n]")


def _text_copies(text: str, found: list[Candidate]) -> Iterator[Candidate]:
    """Yield every place where a found name or address stands again, in the same characters."""
    wanted: dict[str, dict[str, str]] = {}  # first character -> value -> kind
    for start, end, kind in found:
        if kind in _TEXT_COPY_MIN and end - start >= _TEXT_COPY_MIN[kind]:
            value = text[start:end]
            wanted.setdefault(value[0], {})[value] = kind
            if kind == "name" and _SPACED_IN_NAME.fullmatch(value):  # 刘 春 生, then 刘春生
                wanted[value[0]][_BLANKS_IN_NAME.sub("", value)] = kind
    if not wanted:
        return
    # the lengths of the values each first character begins, longest first (a list's addresses
    # come in dozens of lengths, its names in two or three)
    lengths = {
        first: sorted({len(v) for v in values}, reverse=True) for first, values in wanted.items()
    }
    firsts = re.compile("[" + re.escape("".join(wanted)) + "]")
    for m in firsts.finditer(text):
        first = m.group()
        values = wanted[first]
        for length in lengths[first]:
            value = text[m.start() : m.start() + length]
            if value in values:
                end = m.start() + length
                if values[value] != "name" or not _PLACE_AFTER_NAME.match(text, end):
                    yield m.start(), end, values[value]
                break


_DETECTORS: tuple[Callable[[str], Iterator[Candidate]], ...] = (
    _resident_ids,
    _glued,
    _bank_cards,
    _travel_documents,
    _military_ids,
    _taiwan_landlines,
    _mobiles,
    _landlines,
    _emails,
    _plates,
    _qq_numbers,
    _wechat_ids,
    _regional_ids,
    _names,
    _names_in_bounds,
    _names_after_places,
    _names_after_spaced_labels,
    _names_in_forms,
    _columns,
    _addresses,
    _birth_dates,
)


# ---------------------------------------------------------------------------- overlaps


def _resolve(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Return non-overlapping candidates: the longer wins, then the more specific kind.

    Candidates are swept in order of start into clusters of mutually overlapping spans; the
    choice is made within each cluster, which gives the same result as comparing all of them.
    """
    kept: list[Candidate] = []
    cluster: list[Candidate] = []
    cluster_end = -1
    for candidate in sorted(set(candidates)):
        if cluster and candidate[0] >= cluster_end:
            kept.extend(_choose(cluster))
            cluster = []
        cluster.append(candidate)
        cluster_end = max(cluster_end, candidate[1]) if len(cluster) > 1 else candidate[1]
    if cluster:
        kept.extend(_choose(cluster))
    return kept


def _choose(cluster: list[Candidate]) -> list[Candidate]:
    """Return the candidates of one cluster that survive, longest first, in order of start."""
    if len(cluster) == 1:
        return cluster
    # The characters taken so far, marked: checking a candidate costs its own length, not
    # the number taken before it (a run of overlapping candidates was quadratic).
    base = cluster[0][0]
    used = bytearray(max(end for _, end, _ in cluster) - base)
    taken: list[Candidate] = []
    for start, end, kind in sorted(cluster, key=lambda c: (c[0] - c[1], _PRIORITY[c[2]], c[0])):
        if used.find(1, start - base, end - base) < 0:
            used[start - base : end - base] = b"\x01" * (end - start)
            taken.append((start, end, kind))
    return sorted(taken)


# ---------------------------------------------------------------------------- copies

# Numbers inside a web address are part of it (…/art_13812345678.html).
_URL = re.compile(r"(?:https?://|www\.)[!-~]+")
_RUN = re.compile(r"[0-9A-Za-z]+(?:[ \-./·_]{1,2}[0-9A-Za-z]+)*")
_SEGMENT = re.compile(r"[0-9]+|[A-Za-z]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_DIGIT_RUN = re.compile(r"\d{7,}")
_COPY_MIN = 7


def _copy_keys(text: str, found: list[Candidate]) -> dict[str, str]:
    """Return what to look for again: each finding's significant characters -> its kind."""
    keys: dict[str, str] = {}
    for start, end, kind in found:
        if kind in ("license_plate", "name", "address", "birth_date"):
            continue  # a plate's every writing is found by its pattern; words: _text_copies
        compact = _NOT_ALNUM.sub("", text[start:end]).upper()
        wanted = set(_DIGIT_RUN.findall(compact))
        if kind != "email":
            wanted.add(compact)
        if kind == "mobile":
            wanted.add(compact[-11:])
            regional = _REGIONAL_CODE.match(compact)
            if regional and len(compact) - regional.end() in (8, 9):  # +852 9123 4567
                wanted.add(compact[regional.end() :])
        elif kind == "landline":
            wanted.add(_landline_local(compact))
        for key in wanted:
            if len(key) < _COPY_MIN:
                continue
            if key not in keys or _PRIORITY[kind] < _PRIORITY[keys[key]]:
                keys[key] = kind
    return keys


def _landline_local(digits: str) -> str:
    """Return the local number of a landline's digits (after +86 and the area code)."""
    regional = _REGIONAL_CODE.match(digits)
    if regional and len(digits) - regional.end() == 8:  # (852) 2345 6789
        return digits[regional.end() :]
    if digits.startswith("0086"):
        digits = "0" + digits[4:]
    elif digits.startswith("86"):
        digits = "0" + digits[2:]
    return digits[3:] if digits[:2] in ("01", "02") else digits[4:]


def _copies(text: str, found: list[Candidate]) -> Iterator[Candidate]:
    """Yield every place where a found identifier's significant characters appear again.

    A run of digits and letters joined by separators is cut into segments (all digits or all
    letters); a copy is one or more whole consecutive segments, the separators ignored.
    """
    keys = _copy_keys(text, found)
    if not keys:
        return
    shortest = min(len(k) for k in keys)
    longest = max(len(k) for k in keys)
    ends = [end for _, end, _ in found]
    starts = [start for start, _, _ in found]
    j = 0  # the first finding that ends after the run starts (runs come in order)
    for run in _RUN.finditer(text):
        start, end = run.span()
        if end - start < shortest:
            continue
        while j < len(ends) and ends[j] <= start:
            j += 1
        if j < len(starts) and starts[j] <= start and end <= ends[j]:
            continue  # the run lies within a finding: nothing to copy there
        value = run.group()
        if value.isdigit():  # the usual case: one plain number
            if value in keys:
                yield start, end, keys[value]
            continue
        segments = [(m.start(), m.end(), m.group().upper()) for m in _SEGMENT.finditer(value)]
        for i, (first, _, _) in enumerate(segments):
            joined = ""
            # By index: a slice of the rest of the run at each segment was quadratic.
            for k in range(i, len(segments)):
                _, last, piece = segments[k]
                joined += piece
                if len(joined) > longest:
                    break
                if joined in keys:
                    while j < len(ends) and ends[j] <= start + first:
                        j += 1
                    if j < len(starts) and starts[j] < start + last:
                        continue  # a finding itself, or part of one
                    yield start + first, start + last, keys[joined]


def _outside(candidates: list[Candidate], spans: Sequence[Candidate]) -> list[Candidate]:
    """Return the candidates that overlap none of ``spans`` (sorted and disjoint)."""
    if not spans:
        return candidates
    starts = [span[0] for span in spans]
    result = []
    for candidate in candidates:
        start, end, _ = candidate
        i = bisect_right(starts, start) - 1  # the last span starting at or before the candidate
        if i >= 0 and spans[i][1] > start:
            continue
        if i + 1 < len(spans) and spans[i + 1][0] < end:
            continue
        result.append(candidate)
    return result


# ---------------------------------------------------------------------------- the finder


# Whose a landline or a mailbox is: the nearest owner before it, an agency or a firm
# (…教育局装备科，电话：, 本机关地址…，联系电话：, 向…人民政府咨询，联系电话：) or a person found.
# A landline is the agency's only where nothing but its contact particulars stand between
# them: labels (地址, 邮编, 联系人…), values (digits, a street and number) and a short word (a
# contact's name or title, 咨询); after prose (本机关已于…作出答复，请联系…) it may be a clerk's.
_AGENCY_CUE = re.compile(
    r"本机关|本机构|本单位|(?:办公室|[局委厅署办科股部]|(?<![住去出])处|委员会|大队|支队|中队|派出所|政府|机关|中心|公司|集团"
    r"|机构|医院|学校|银行|法院|检察院|事务所|(?:基金|协|商|联合|工|学|促进|居委|村委)会)"
    # what follows the owner: a break, its particulars, or an errand to it (向…局提出，联系电话：);
    # a sentence's end only where its contact comes next (…报市应急管理局。联系人：…)
    r"(?=[\s，,:：;；(]|。联系|。电话|咨询|反映|举报|投诉|联系|地址|电话|邮箱|提出|申请|提交|查询"
    r"|书面)"
)
_OWNER_WINDOW = 80
# An agency named in brackets right after a number, as its owner (…（县交警大队）).
_AGENCY_AFTER = re.compile(
    r"[ \t]*\([^()\n]{0,16}(?:[局委办院所站队部科处]|中心|政府|委员会|大队|支队)\)"
)
# The contact an agency or a tenderer names for itself, right after it on the line: a clerk
# acting in office (招标人：…局　联系人：孙志刚; …报市应急管理局。联系人：王晓).
_AGENCY_CONTACT = re.compile(
    r"(?:(?:招标人|采购人|采购单位|招标代理机构|采购代理机构|代理机构)[:：][^\n]{1,40}?"
    r"|[局委科股]|委员会|人民政府|办公室|派出所|法院|检察院"
    # or the closing words of an agency's letter (…请予办理。⏎联系人：舒晓燕)
    r"|请予(?:办理|支持|协助|审批|批准|配合)|特此(?:函告|函复|复函|证明|通知|公告)|此复)"
    r"[。\s，,]*联系人[:：\s]*$"
)
_CONTACT_PIECES = re.compile(r"[，,、;；。\s:：()]+")
_CONTACT_PIECE = re.compile(
    r"(?:联系|办公|值班)?(?:电话|方式|地址|邮编|邮政编码|联系人|传真|邮箱|电子邮箱|座机|手机)"
    r"|(?:项目)?负责人|[0-9+-]+|[^，,。；;\s]{2,30}[0-9]号|[\u4e00-\u9fff]{1,4}"
)


def _last_match(pattern: re.Pattern[str], text: str, low: int, high: int) -> re.Match[str] | None:
    """Return the last match of ``pattern`` in ``text[low:high]``, or None."""
    last = None
    for last in pattern.finditer(text, low, high):  # noqa: B007 - the last one is wanted
        pass
    return last


#: the most characters of labels and values an agency's contact lines run to between two of its
#: numbers (a longer stretch holds other words: looking at all of it after every number found
#: made a long list's cost grow with the square of its length)
_CONTACT_RUN = 400


def _only_contact_details(between: str) -> bool:
    """Return whether ``between`` holds nothing but contact labels, values and short words."""
    pieces = _CONTACT_PIECES.split(between)
    return all(not piece or _CONTACT_PIECE.fullmatch(piece) for piece in pieces)


def _at_mail_provider(address: str) -> bool:
    """Return whether an e-mail address is at a public mail provider's domain."""
    return address.rpartition("@")[2].lower() in _MAIL_PROVIDERS


# The contact at the foot of an agency's notice or letter (恩施市人民政府…通知 … 请准时参加。⏎
# 联系人：谭 丽　电话：…): the first line names the agency, the contact opens one of the last
# lines, and at most a signature and a date follow.
_FOOT_CONTACT = re.compile(r"(?:^|\n)[ \t]*联系人[:：][ \t]*$")
_AGENCY_TITLE = re.compile(r"人民政府|委员会|办公室|[局厅委]|法院|检察院|派出所|街道办事处")
# …and what it is: a notice, a letter, a decision or a reply, not a form a person filled in.
_NOTICE_TITLE = re.compile(r"通知|公告|通告|告知|函|公示|决定|答复|意见书|通报")
_TITLE_REACH = 60
_FOOT_LINES = 2
_FOOT_LINE_LONGEST = 30


def _foot_contact(text: str, start: int, text_end: int) -> bool:
    """Return whether the name at ``start`` is the contact at the foot of an agency's text.

    ``text_end`` is where the text ends but for its trailing blanks.
    """
    if text_end - start > (_FOOT_LINES + 1) * (_FOOT_LINE_LONGEST + 1):
        return False  # read only near the end: a long text's every contact costs nothing more
    if not _FOOT_CONTACT.search(text, max(0, start - 12), start):
        return False
    title_end = text.find("\n", 0, _TITLE_REACH)
    title = text[: title_end if title_end >= 0 else _TITLE_REACH]
    if not (_AGENCY_TITLE.search(title) and _NOTICE_TITLE.search(title)):
        return False
    line_end = text.find("\n", start, text_end)
    if line_end < 0:
        return True
    lines = text[line_end + 1 : text_end].split("\n")
    return len(lines) <= _FOOT_LINES and all(len(line) <= _FOOT_LINE_LONGEST for line in lines)


def _without_agency_contacts(text: str, found: list[Candidate]) -> list[Candidate]:
    """Return ``found`` without the contacts, landlines and mailboxes an agency or firm gives."""
    kept: list[Candidate] = []
    text_end = len(text.rstrip())
    person_end = -1  # where the last name found ends
    agency_end = -1  # where the last line or mailbox an agency gives ends
    for start, end, kind in found:
        if kind == "name" and (
            _AGENCY_CONTACT.search(text, max(0, start - _OWNER_WINDOW), start)
            or _foot_contact(text, start, text_end)
        ):
            agency_end = end  # the contact's line after it is the agency's too
            continue  # 招标人：…局　联系人：孙志刚; …报市应急管理局。联系人：王晓
        if kind == "name":
            person_end = end
        # its particulars listed on (联系电话：…　传真：…⏎电子邮箱：…) are the agency's too
        if (
            kind in ("landline", "email")
            and agency_end >= 0
            and start - agency_end <= _CONTACT_RUN
            and _only_contact_details(text[agency_end:start])
        ):
            agency_end = end
            continue
        # A mailbox at a mail provider is anyone's; one at the agency's own domain is its.
        if kind == "landline" and _AGENCY_AFTER.match(text, end):
            continue  # 联系电话：0431-88776655（市委人才办）
        if kind == "landline" or (kind == "email" and not _at_mail_provider(text[start:end])):
            low = max(0, start - _OWNER_WINDOW, person_end)
            cue = _last_match(_AGENCY_CUE, text, low, start)
            if cue and (kind == "email" or _only_contact_details(text[cue.end() : start])):
                agency_end = end
                continue
        kept.append((start, end, kind))
    return kept


# A cadre's particulars in a notice of appointment (任前公示: …，男，1978年5月生，…现任…，拟任…):
# an official's, published for his office. Each line is searched on its own, each 现任 with a
# bounded reach, so that the cost grows with the text's length.
_INCUMBENT = re.compile(r"现任")
_TO_BE = re.compile(r"拟任|拟提任|拟提名|拟推荐为|拟任命|拟提拔|拟晋升")
_TO_BE_REACH = 82
# A sign-off of officers acting in office (经办人：刘红英　　复核人：陈卫东).
_SIGNER = re.compile(r"(?:经办人|承办人)[:：]")
_REVIEWER = re.compile(r"(?:复核人|审核人|审批人|核对人|制表人|负责人)[:：]")
_SIGN_OFF_CHEAP = re.compile(r"复核人|审核人|审批人|核对人|制表人")
_LINE = re.compile(r"[^\n]+")


def _office_lines(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Return the lines of cadres before appointment and the lines of officers' sign-offs."""
    appointed, signed = [], []
    for line in _LINE.finditer(text):
        low, high = line.span()
        if any(
            _TO_BE.search(text, m.end(), min(high, m.end() + _TO_BE_REACH))
            for m in _INCUMBENT.finditer(text, low, high)
        ):
            appointed.append((low, high))
        signer = _SIGNER.search(text, low, high)
        if signer and _REVIEWER.search(text, signer.end(), high):
            signed.append((low, high))
    return appointed, signed


def _within(spans: list[tuple[int, int]], at: int) -> bool:
    """Return whether ``at`` lies in one of ``spans``, sorted and apart."""
    i = bisect_right(spans, at, key=lambda span: span[0]) - 1
    return i >= 0 and spans[i][0] <= at < spans[i][1]


def _without_officers_in_office(text: str, found: list[Candidate]) -> list[Candidate]:
    """Return ``found`` without the names and births of officials in a notice of their office."""
    if "现任" not in text and not _SIGN_OFF_CHEAP.search(text):
        return found
    appointed, signed = _office_lines(text)
    return [
        (start, end, kind)
        for start, end, kind in found
        if not (
            (kind in ("name", "birth_date") and _within(appointed, start))
            or (kind == "name" and _within(signed, start))
        )
    ]


# A table whose header names a column of codes (职位代码, 准考证号, 工号…) and none of telephones:
# numbers shaped like mobiles in its rows are codes (职位代码 13010010011).
_CODE_HEADER = re.compile(r"代码|编号|考号|准考证|工号|学号|序列号")
_PHONE_HEADER = re.compile(r"电话|手机|联系|号码|方式|微信")
_HEADER_CELLS = re.compile(r"[ \t|]+")


def _code_table_rows(text: str) -> list[tuple[int, int]]:
    """Return the spans of the rows of tables whose header names codes and no telephone."""
    spans: list[tuple[int, int]] = []
    start = -1  # where the rows of the current table begin, or -1 outside one
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if start >= 0 and not _DIGIT.search(line):
            spans.append((start, m.start()))
            start = -1
        if (
            start < 0
            and _CODE_HEADER.search(line)
            and not _PHONE_HEADER.search(line)
            and len(_HEADER_CELLS.split(line.strip())) >= 3
            and not _DIGIT.search(line)
        ):
            start = m.end()
    if start >= 0:
        spans.append((start, len(text)))
    return spans


def _without_codes_in_tables(text: str, found: list[Candidate]) -> list[Candidate]:
    """Return ``found`` without the mobiles in the rows of a table of codes."""
    rows = _code_table_rows(text)
    if not rows:
        return found
    return [
        (start, end, kind)
        for start, end, kind in found
        if kind != "mobile" or not any(a <= start < b for a, b in rows)
    ]


def find_personal_information(text: str) -> list[Finding]:
    """Find candidate personal identifiers in ``text``, in order of position.

    Offsets, texts and masks refer to ``text`` as given, whatever its width.
    """
    folded = normalize(text)
    urls: list[Candidate] = []
    if "http" in folded or "www." in folded:
        urls = [(m.start(), m.end(), "url") for m in _URL.finditer(folded)]
    kept = _resolve(_outside(sorted(c for detect in _DETECTORS for c in detect(folded)), urls))
    named = _outside(list(_names_before_ids(folded, kept)), kept)
    if named:
        kept = sorted(kept + named)
    kept = _widened_spaced_names(folded, kept)
    kept = _without_agency_contacts(folded, kept)
    kept = _without_officers_in_office(folded, kept)
    if any(kind == "mobile" for _, _, kind in kept):
        kept = _without_codes_in_tables(folded, kept)
    copies = _outside(_resolve([*_copies(folded, kept), *_text_copies(folded, kept)]), kept)
    if copies:
        kept = sorted(kept + copies)
    return [
        Finding(
            id=f"{kind}-{start}",
            kind=kind,
            start=start,
            end=end,
            text=text[start:end],
            masked=mask(kind, text[start:end]),
        )
        for start, end, kind in kept
    ]


# ---------------------------------------------------------------------------- masks


def _star(
    value: str, plain: str, keep_first: int, keep_last: int, counts: Callable[[str], bool]
) -> str:
    """Return ``value`` with the counted characters starred, except the first and last few.

    ``plain`` is ``value`` folded (:func:`normalize`); it decides which characters count.
    """
    hidden = len(value) - keep_first - keep_last
    if hidden > 0 and plain.isascii() and plain.isdigit():  # the usual case: all count
        return value[:keep_first] + "*" * hidden + value[len(value) - keep_last :]
    positions = [i for i, ch in enumerate(plain) if counts(ch)]
    hidden_at = set(positions[keep_first : len(positions) - keep_last])
    return "".join("*" if i in hidden_at else ch for i, ch in enumerate(value))


def _is_digit(ch: str) -> bool:
    """Return whether ``ch`` is an ASCII digit."""
    return "0" <= ch <= "9"


def _is_alnum(ch: str) -> bool:
    """Return whether ``ch`` is an ASCII digit or letter."""
    return ch.isascii() and ch.isalnum()


def mask(kind: str, value: str) -> str:
    """Return the de-identified form of one identifier.

    The mask is as long as the value and keeps separators (spaces, hyphens, brackets, dots)
    and the width of the characters it keeps:

    * resident_id: the first 4 and last 4 characters (18 -> 3701**********1234; the 15-digit
      form keeps the same 4 + 4, hiding 7);
    * mobile: all but the 4 digits before the last 4 (138****5678, +86 138-****-5678);
      other regions' mobiles, shorter, all but the 4 digits before the last 2 (+852 91**
      **67, +886-912-***-*78, 0912-***-*78);
    * military_id: the characters around the number and its first and last digit
      (南字第1*****7号, 1******8);
    * bank_card: the first 4 and last 4 digits (6222 **** **** ***0 123);
    * email: the first character of the local part and the whole domain (z*******@example.com);
    * landline: the country and area code and the last 2 digits (0631-*****23, (852) ****
      **89); a local number written alone keeps only its last 2;
    * name: the surname, as 张** reads in a public list (张三丰 -> 张**, 欧阳娜娜 -> 欧阳**);
    * birth_date: the year (1975年**月**日);
    * address: the province, city and district or county it begins with, if any
      (威海市环翠区青岛北路12号 -> 威海市环翠区*******);
    * anything else: the first and last character (鲁*****5); two characters or fewer keep
      only the first.
    """
    plain = value if value.isascii() else normalize(value)
    if kind == "resident_id":
        return _star(value, plain, 4, 4, _is_alnum)
    if kind == "mobile":
        digits = "".join(ch for ch in plain if _is_digit(ch))
        last = 4 if _MAINLAND_MOBILE_DIGITS.fullmatch(digits) else 2
        return _star(value, plain, max(len(digits) - 4 - last, 0), last, _is_digit)
    if kind == "military_id":
        return _star(value, plain, 1, 1, _is_digit)
    if kind == "bank_card":
        return _star(value, plain, 4, 4, _is_digit)
    if kind == "email" and "@" in plain:
        at = plain.rindex("@")
        return value[:1] + "*" * (at - 1) + value[at:] if at else value
    if kind == "email" and (written := _OBFUSCATED_EMAIL.fullmatch(plain)) is not None:
        at = written.start("at")  # the domain stays, as in local@domain
        return value[:1] + "*" * (at - 1) + value[at:]
    if kind == "landline":
        return _star(value, plain, _landline_kept(plain), 2, _is_digit)
    if kind == "name":
        kept = 2 if len(value) > 2 and value[:2] in _COMPOUND_SURNAMES else 1
        return value[:kept] + "*" * (len(value) - kept)
    if kind == "birth_date":
        return _star(value, plain, 4, 0, _is_digit)
    if kind == "address":
        divisions = _DIVISIONS.match(plain)  # matches, if only the empty string
        kept = divisions.end() if divisions else 0
        return value[:kept] + "".join("*" if ch.isalnum() else ch for ch in value[kept:])
    if len(value) <= 2:
        return value[:1] + "*" * (len(value) - 1)
    return value[0] + "".join("*" if ch.isalnum() else ch for ch in value[1:-1]) + value[-1]


# The divisions an address begins with, which its mask keeps: province, city, district.
_DIVISIONS = re.compile(
    r"(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?(?:[\u4e00-\u9fff]{2,7}?(?:市|自治州|州|盟|地区))?"
    r"(?:[\u4e00-\u9fff]{1,7}?(?:区|县|旗|市))?"
)


def _landline_kept(plain: str) -> int:
    """Return how many leading digits of a landline its mask keeps: country and area code."""
    digits = "".join(ch for ch in plain if _is_digit(ch))
    regional = _REGIONAL_CODE.match(digits)
    if regional and len(digits) - regional.end() == 8:  # Hong Kong's and Macao's: no area code
        return regional.end()
    if plain.lstrip("(").startswith(("+86", "0086")):
        country = 4 if digits.startswith("0086") else 2
        area = 2 if digits[country] in "12" else 3  # written without its leading 0
        return country + area
    if not digits.startswith("0"):
        return 0  # a local number written alone
    return 3 if digits[:2] in ("01", "02") else 4


# ---------------------------------------------------------------------------- redaction


def redact(text: str, redactions: Iterable[Redaction]) -> str:
    """Return ``text`` with each redaction applied; overlapping redactions are merged.

    Redactions that overlap (not merely touch) are merged over the union of their spans. When
    each of them is as long as its span (masks and hand marks are), the merge goes character by
    character: a character stays visible only if every redaction covering it leaves it
    unchanged. Otherwise the whole union becomes one '*' per character. Raises ``ValueError``
    for an empty span or one outside the text.
    """
    ordered = sorted(set(redactions), key=lambda r: (r.start, r.end, r.replacement))
    for r in ordered:
        if not 0 <= r.start < r.end <= len(text):
            raise ValueError(f"redaction {r.start}-{r.end} outside text of length {len(text)}")
    groups: list[list[Redaction]] = []
    group_end = -1
    for r in ordered:
        if groups and r.start < group_end:
            groups[-1].append(r)
            group_end = max(group_end, r.end)
        else:
            groups.append([r])
            group_end = r.end
    out, pos = [], 0
    for group in groups:
        start, end = group[0].start, max(r.end for r in group)
        out.append(text[pos:start])
        if len(group) == 1:
            out.append(group[0].replacement)
        elif all(len(r.replacement) == r.end - r.start for r in group):
            chars = list(text[start:end])
            for r in group:
                for offset, ch in enumerate(r.replacement):
                    if ch != text[r.start + offset]:
                        chars[r.start + offset - start] = ch
            out.append("".join(chars))
        else:
            out.append("*" * (end - start))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def manual_redactions(text: str, passages: Iterable[str]) -> list[Redaction]:
    """Return redactions hiding every occurrence of each passage (hand marks) with '*' each.

    A passage is a reviewer's hand mark: every occurrence, in either width (张三１３８ marks
    张三138 too), is hidden with one '*' per character. Passages are stripped of surrounding
    whitespace; empty ones are ignored. Occurrences may overlap (:func:`redact` merges them).
    The list is in order of position.
    """
    folded = normalize(text)
    found: set[Redaction] = set()
    for passage in passages:
        needle = normalize(passage.strip())
        if not needle:
            continue
        at = folded.find(needle)
        while at >= 0:
            found.add(Redaction(at, at + len(needle), "*" * len(needle)))
            at = folded.find(needle, at + 1)
    return sorted(found, key=lambda r: (r.start, r.end))
